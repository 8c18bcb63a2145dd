//! The `waymark` command: parses arguments, calls the device API, prints one JSON
//! document (`--json`) or readable text, and exits with the contract's codes:
//! 2 bad usage, 3 not permitted, 4 relay unreachable, 1 anything else.

mod args;
mod export;
mod office;
mod report;
mod text;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;
use serde::Serialize;
use waymark_device::{
    ConsentInput, Device, DeviceError, EncounterInput, ErrorCode, InitOptions, PersonInput, ReferralInput, TeamInput,
};

use args::{Cli, Command, ConsentCmd, DeviceCmd, EncounterCmd, NoteCmd, PersonCmd, ReferralCmd, RelayCmd, TeamCmd};

/// An error with the exit code the contract gives it.
#[derive(Debug)]
struct Failure {
    code: u8,
    message: String,
}

impl Failure {
    fn usage(message: impl Into<String>) -> Self {
        Self { code: 2, message: message.into() }
    }
}

impl From<DeviceError> for Failure {
    fn from(e: DeviceError) -> Self {
        let code = match e.code() {
            ErrorCode::Invalid => 2,
            // A standalone device may not do what needs a relay.
            ErrorCode::NotPermitted | ErrorCode::NotEnrolled => 3,
            ErrorCode::RelayUnreachable | ErrorCode::RelayRefused | ErrorCode::DeviceRevoked => 4,
            _ => 1,
        };
        Self { code, message: e.to_string() }
    }
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Self {
        Self { code: 1, message: format!("{e:#}") }
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
                let _ = e.print();
                return ExitCode::SUCCESS;
            }
            // The contract wants one line: clap's first paragraph already reads "error: …",
            // and its indented lines name what is missing, so they join that line.
            let rendered = e.render().to_string();
            let first: Vec<&str> = rendered.lines().take_while(|l| !l.trim().is_empty()).map(str::trim).collect();
            let line = if first.is_empty() { "error: bad usage".to_owned() } else { first.join(" ") };
            eprintln!("{line}");
            return ExitCode::from(2);
        }
    };
    match run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            let line = f.message.replace('\n', " ");
            eprintln!("error: {line}");
            ExitCode::from(f.code)
        }
    }
}

fn data_dir(cli: &Cli) -> anyhow::Result<PathBuf> {
    if let Some(d) = &cli.data {
        return Ok(d.clone());
    }
    let home = std::env::var_os("HOME").context("no --data given and HOME is not set")?;
    Ok(PathBuf::from(home).join(".local/share/waymark"))
}

/// The passphrase: from `WAYMARK_PASSPHRASE`, else asked on the terminal.
fn passphrase(confirm: bool) -> Result<String, Failure> {
    if let Ok(p) = std::env::var("WAYMARK_PASSPHRASE") {
        return Ok(p);
    }
    if !std::io::stdin().is_terminal() {
        return Err(Failure {
            code: 1,
            message: "the store is encrypted: set WAYMARK_PASSPHRASE or run in a terminal to type the passphrase"
                .into(),
        });
    }
    let first = rpassword::prompt_password("Passphrase: ").context("could not read the passphrase")?;
    if confirm {
        let again = rpassword::prompt_password("Passphrase again: ").context("could not read the passphrase")?;
        if again != first {
            return Err(Failure::usage("the two passphrases differ"));
        }
    }
    Ok(first)
}

fn read_file(path: &Path) -> Result<String, Failure> {
    std::fs::read_to_string(path).map_err(|e| Failure::usage(format!("cannot read {}: {e}", path.display())))
}

fn open(cli: &Cli) -> Result<Device, Failure> {
    let dir = data_dir(cli)?;
    Ok(Device::open(&dir, &passphrase(false)?)?)
}

/// Prints `value` as JSON or as text. A closed stdout (`waymark … | head`) is an
/// error line and exit 1, not the panic `println!` would give.
fn print<T: Serialize>(json: bool, value: &T, text: impl FnOnce(&T) -> String) -> Result<(), Failure> {
    use std::io::Write;
    let out = if json {
        serde_json::to_string_pretty(value).context("could not write JSON")?
    } else {
        text(value).trim_end().to_owned()
    };
    if out.is_empty() {
        return Ok(());
    }
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{out}").and_then(|()| stdout.flush()).context("could not write the output")?;
    Ok(())
}

fn run(cli: &Cli) -> Result<(), Failure> {
    let json = cli.json;
    match &cli.command {
        Command::Init(a) => {
            let dir = data_dir(cli)?;
            let catchment = a.catchment.as_deref().map(read_file).transpose()?;
            let options = InitOptions {
                role: Some(a.role.parse().map_err(|e: waymark_domain::ValidationError| Failure::usage(e.to_string()))?),
                catchment_geojson: catchment,
                intake_days: a.intake_days,
                time_zone: a.time_zone.clone(),
                team_name: a.team_name.clone(),
                user_name: a.user_name.clone(),
                user_phone: a.user_phone.clone(),
            };
            let (_, view) = Device::init(&dir, &passphrase(true)?, options)?;
            print(json, &view, text::init)
        }
        Command::Person(cmd) => {
            let mut device = open(cli)?;
            match cmd {
                PersonCmd::Add(a) => {
                    let added = device.person_add(person_input(a))?;
                    print(json, &added, text::person_added)
                }
                PersonCmd::Update(a) => {
                    let view = device.person_update(&a.id, person_input(&a.fields))?;
                    print(json, &view, text::person)
                }
                PersonCmd::Show { id } => {
                    let view = device.person_show(id)?;
                    print(json, &view, text::person_show)
                }
                PersonCmd::List => {
                    let list = device.person_list()?;
                    print(json, &list, |l| text::persons(l))
                }
                PersonCmd::Search { query } => {
                    let list = device.person_search(query)?;
                    print(json, &list, |l| text::persons(l))
                }
                PersonCmd::Merge { keep, duplicate, take } => {
                    let view = device.person_merge_choosing(keep, duplicate, take)?;
                    print(json, &view, text::merge)
                }
            }
        }
        Command::Note(NoteCmd::Add { person, text: note }) => {
            let mut device = open(cli)?;
            let view = device.note_add(person, note)?;
            print(json, &view, |v| format!("note {} saved", v.id))
        }
        Command::Note(NoteCmd::List { person }) => {
            let mut device = open(cli)?;
            let notes = device.notes(person)?;
            print(json, &notes, |n| text::notes(n))
        }
        Command::Encounter(EncounterCmd::Log(a)) => {
            let mut device = open(cli)?;
            let input = EncounterInput {
                person: a.person.clone(),
                lat: a.lat,
                lon: a.lon,
                accuracy_m: a.accuracy,
                services: a.service.clone(),
                note: a.note.clone(),
                at: a.at.clone(),
                kind: a.kind.clone(),
                living_situation: a.living_situation,
                duration_minutes: a.minutes,
            };
            let view = device.encounter_log(input)?;
            print(json, &view, |v| format!("contact {} saved", v.id))
        }
        Command::Encounter(EncounterCmd::List { person }) => {
            let mut device = open(cli)?;
            let list = device.encounter_list(person.as_deref())?;
            print(json, &list, |l| text::encounters(l))
        }
        Command::Referral(ReferralCmd::Create(a)) => {
            let mut device = open(cli)?;
            let input = ReferralInput {
                pathway: a.pathway.clone(),
                person: a.person.clone(),
                name: a.name.clone(),
                aliases: a.alias.clone(),
                description: a.description.clone(),
                lat: a.lat,
                lon: a.lon,
                accuracy_m: a.accuracy,
                exclusions: a.exclusion.clone(),
                narrative: a.narrative.clone(),
                charge_category: a.charge_category.clone(),
            };
            let view = device.referral_create(input)?;
            print(json, &view, text::referral_created)
        }
        Command::Referral(ReferralCmd::List) => {
            let mut device = open(cli)?;
            let list = device.referral_list()?;
            print(json, &list, |l| text::referrals(l))
        }
        Command::Referral(ReferralCmd::Update { id, status }) => {
            let mut device = open(cli)?;
            let view = device.referral_update(id, status)?;
            print(json, &view, |r| text::referrals(std::slice::from_ref(r)))
        }
        Command::Consent(ConsentCmd::Add { person, parties, expires, expiry_event, purpose, description }) => {
            let mut device = open(cli)?;
            let view = device.consent_add(ConsentInput {
                person: person.clone(),
                parties: parties.clone(),
                purpose: purpose.clone(),
                description: description.clone(),
                expires: expires.clone(),
                expiry_event: expiry_event.clone(),
            })?;
            print(json, &view, |v| format!("consent {} recorded", v.id))
        }
        Command::Consent(ConsentCmd::Revoke { id }) => {
            let mut device = open(cli)?;
            let view = device.consent_revoke(id)?;
            print(json, &view, |v| format!("consent {} revoked at {}", v.id, v.revoked_at))
        }
        Command::Consent(ConsentCmd::List { person }) => {
            let mut device = open(cli)?;
            let list = device.consent_list(person)?;
            print(json, &list, |l| text::consents(l))
        }
        Command::Lookup { query, reason } => {
            let mut device = open(cli)?;
            let cards = device.lookup(query, reason.as_deref())?;
            print(json, &cards, |c| text::cards(c))
        }
        Command::Team(TeamCmd::Set(a)) => {
            let mut device = open(cli)?;
            let catchment = a.catchment.as_deref().map(read_file).transpose()?;
            let input = TeamInput {
                name: a.name.clone(),
                catchment_geojson: catchment,
                intake_days: a.intake_days,
                exclusions: a.exclusion.clone(),
                remove_exclusions: a.remove_exclusion.clone(),
                services: a.service.clone(),
                time_zone: a.time_zone.clone(),
                location_precision: a.precision.clone(),
                lock_minutes: a.lock_minutes,
                export_precision: a.export_precision.clone(),
                hmis_without_consent: a.hmis_without_consent.clone(),
                inactive_days: a.inactive_days,
            };
            let view = device.team_set(input)?;
            print(json, &view, text::team)
        }
        Command::Enroll { relay, code, ca_cert } => {
            let dir = data_dir(cli)?;
            let ca = ca_cert.as_deref().map(read_file).transpose()?;
            let pass = passphrase(true)?;
            let (_, view) = runtime()?.block_on(Device::enroll(&dir, &pass, relay, code, ca.as_deref()))?;
            print(json, &view, |v| format!("device {} enrolled in team {} as {}", v.device_id, v.team_id, v.role))
        }
        Command::Device(DeviceCmd::Invite { role, label }) => {
            let mut device = open(cli)?;
            let view = runtime()?.block_on(device.device_invite(role, label))?;
            print(json, &view, |v| {
                format!(
                    "device {} invited; on it run:\n  waymark enroll --relay URL --code {}\n(expires {})",
                    v.device_id, v.code, v.expires_at
                )
            })
        }
        Command::Device(DeviceCmd::List) => {
            let mut device = open(cli)?;
            let list = runtime()?.block_on(device.device_list())?;
            print(json, &list, |l| text::devices(l))
        }
        Command::Device(DeviceCmd::Revoke { device_id }) => {
            let mut device = open(cli)?;
            let view = runtime()?.block_on(device.device_revoke(device_id))?;
            print(json, &view, text::revoked)
        }
        Command::Relay(RelayCmd::Trust { ca_cert, system_roots: _ }) => {
            let mut device = open(cli)?;
            let ca = ca_cert.as_deref().map(read_file).transpose()?;
            let view = runtime()?.block_on(device.relay_trust(ca.as_deref()))?;
            print(json, &view, |v| {
                let how = if v.pinned { "only the given certificate" } else { "the system's certificate authorities" };
                format!("relay {} reached; this device now trusts {how} for it", v.relay)
            })
        }
        Command::Report { from, to } => report::run(cli, from, to),
        Command::Export(cmd) => export::run(cli, cmd),
        Command::Office(cmd) => office::run(cli, cmd),
        Command::Audit { verify } => {
            let mut device = open(cli)?;
            let log = device.audit_log()?;
            print(json, &log, |l| text::audit(l))?;
            let broken = log.iter().filter(|e| e.is_broken()).count();
            if broken > 0 {
                let message = format!("{broken} audit entries are broken: the log was changed after they were written");
                if *verify {
                    return Err(Failure { code: 1, message });
                }
                eprintln!("warning: {message}");
            }
            Ok(())
        }
        Command::Sync => {
            let mut device = open(cli)?;
            let interactive = std::io::stderr().is_terminal();
            let mut pulled = 0usize;
            let view = runtime()?.block_on(device.sync(|p| {
                if let waymark_device::SyncProgress::Pulled(n) = p {
                    pulled += n;
                    if interactive && n > 0 {
                        eprint!("\rpulled {pulled} changes");
                    }
                }
            }));
            if interactive && pulled > 0 {
                eprintln!();
            }
            let view = view?;
            print(json, &view, |v| {
                format!(
                    "synced: {} pushed, {} pulled, {} documents, {} pending",
                    v.pushed, v.pulled, v.documents, v.pending
                )
            })
        }
        Command::Team(TeamCmd::Show) => {
            let mut device = open(cli)?;
            let view = device.team_view()?;
            print(json, &view, text::team)
        }
    }
}

/// A small runtime for the verbs that talk to the relay.
fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure { code: 1, message: format!("could not start: {e}") })
}

fn person_input(a: &args::PersonFields) -> PersonInput {
    PersonInput {
        name: a.name.clone(),
        aliases: a.alias.clone(),
        dob: a.dob.clone(),
        description: a.description.clone(),
        status: a.status.clone(),
        case_manager: a.case_manager.clone(),
        case_manager_phone: a.case_manager_phone.clone(),
        gender: a.gender.clone(),
        race_ethnicity: a.race_ethnicity.clone(),
        sex: a.sex,
    }
}
