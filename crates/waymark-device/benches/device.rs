//! Waymark device benchmark: prints markdown tables of latencies and sizes; it is not a
//! timed test and asserts nothing about the numbers.
//!
//! Run with `cargo bench -p waymark-device --bench device`. `WAYMARK_BENCH_QUICK=1`
//! shrinks every size for a smoke run; `WAYMARK_BENCH_DIR` picks the folder the
//! temporary stores are made in (default: the system temp folder), which should be on
//! the disk whose fsync latency you mean to measure.
//!
//! 1. `encounter log` (one durable SQLCipher transaction) on a store already holding
//!    10,000 encounters and 2,000 persons.
//! 2. `person search` and officer `lookup` by partial name over 10,000 persons.
//! 3. Encounter granularity at the automerge level: one document per encounter vs a
//!    list of maps inside the person's document.
//! 4. Store size on disk and `person add` (duplicate scoring over the roster).

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::sync::LazyLock;
use std::time::{Duration, Instant};

use automerge::transaction::Transactable;
use automerge::{ActorId, AutoCommit, ObjId, ObjType, ROOT, ReadDoc, ScalarValue, Value};
use jiff::Timestamp;
use uuid::Uuid;
use waymark_device::{Device, EncounterInput, InitOptions, PersonInput};
use waymark_domain::encounter::{Encounter, EncounterKind, HMIS_LIVING_SITUATION_CODES, Services};
use waymark_domain::location::Location;
use waymark_domain::person::{Person, PersonStatus};
use waymark_domain::role::{OfficerCard, Role};
use waymark_domain::team::default_services;
use waymark_domain::time::{Dob, LocalInstant};
use waymark_domain::{DeviceId, EncounterId, PersonId};
use waymark_store::{DocId, DocKind, StoreError, codec};

const PASSPHRASE: &str = "bench passphrase: correct horse battery staple";
/// Records written per transaction while setting a store up.
const SETUP_BATCH: usize = 1000;
/// Pacific time, as a team on the US west coast would log it.
const OFFSET_S: i32 = -8 * 3600;

// ---------------------------------------------------------------------------------
// Sizes

#[derive(Debug)]
struct Sizes {
    quick: bool,
    /// Persons on the roster for the save and `person add` measurements.
    persons: usize,
    /// Encounters already stored before the timed saves.
    encounters: usize,
    /// Persons on the roster for the search measurements.
    search_persons: usize,
    saves: usize,
    searches: usize,
    adds: usize,
    /// Encounters per person in the granularity comparison.
    timeline: Vec<usize>,
    /// Repetitions of each granularity measurement.
    reps: usize,
}

impl Sizes {
    fn from_env() -> Sizes {
        let quick = std::env::var("WAYMARK_BENCH_QUICK").is_ok_and(|v| !v.is_empty() && v != "0");
        if quick {
            Sizes {
                quick,
                persons: 200,
                encounters: 1000,
                search_persons: 1000,
                saves: 40,
                searches: 40,
                adds: 10,
                timeline: vec![1, 10, 50],
                reps: 5,
            }
        } else {
            Sizes {
                quick,
                persons: 2000,
                encounters: 10_000,
                search_persons: 10_000,
                saves: 300,
                searches: 300,
                adds: 50,
                timeline: vec![1, 50, 200],
                reps: 30,
            }
        }
    }
}

// ---------------------------------------------------------------------------------
// Deterministic data

/// SplitMix64: deterministic data without a dependency.
#[derive(Debug)]
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n.max(1) as u64).expect("below n fits usize")
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    fn uuid(&mut self) -> Uuid {
        uuid::Builder::from_random_bytes(((u128::from(self.next()) << 64) | u128::from(self.next())).to_le_bytes())
            .into_uuid()
    }
}

static FIRST: LazyLock<Vec<&str>> = LazyLock::new(|| {
    "James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard \
    Susan Joseph Jessica Thomas Sarah Christopher Karen Charles Lisa Daniel Nancy Matthew Betty \
    Anthony Sandra Mark Margaret Donald Ashley Steven Kimberly Andrew Emily Paul Donna Joshua \
    Michelle Kenneth Carol Kevin Amanda Brian Melissa Timothy Deborah Ronald Stephanie Jose Maria \
    Luis Guadalupe Tyrone Keisha Dmitri Nguyen Aaliyah Marisol Desmond Renée Joaquín Siobhan Tomasz \
    Yolanda"
        .split_whitespace()
        .collect()
});

static LAST: LazyLock<Vec<&str>> = LazyLock::new(|| {
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez \
    Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris \
    Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill \
    Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Kowalski Okafor \
    Yazzie Begay Castañeda O'Brien Fitzgerald Washington Abernathy Delacroix Lindqvist Papadopoulos"
        .split_whitespace()
        .collect()
});

static NICKNAMES: LazyLock<Vec<&str>> = LazyLock::new(|| {
    "Red|Tex|Smokey|Junior|Shorty|Doc|Bear|Sunshine|Boots|Lefty|Ace|Pops|Mama T|Skip|Tiny|Chief|\
    Peaches|Blue|Sarge|Dutch"
        .split('|')
        .collect()
});

const DESCRIPTIONS: &[&str] = &[
    "tall, grey beard, usually near the library",
    "camps under the 5th Ave overpass with a small dog",
    "red backpack, walks with a cane",
    "tattoo of a rose on the left hand",
    "often at the bus shelter on Pine St",
    "wears a green army jacket, speaks Spanish",
];

const NOTES: &[&str] = &[
    "Checked in, doing ok.",
    "Asked about shelter beds for tonight.",
    "Needs new ID, follow up at the DMV office Tuesday.",
    "Gave supplies, declined a ride to the clinic.",
    "Wound on the left leg looks better than last week.",
];

const KINDS: &[EncounterKind] = &[
    EncounterKind::Street,
    EncounterKind::Street,
    EncounterKind::Street,
    EncounterKind::Office,
    EncounterKind::Phone,
    EncounterKind::Attempted,
];

fn full_name(rng: &mut Rng) -> String {
    format!("{} {}", rng.pick(&FIRST), rng.pick(&LAST))
}

fn ms_ago(now: Timestamp, rng: &mut Rng, max_days: i64) -> Timestamp {
    let back = i64::try_from(rng.below(usize::try_from(max_days * 86_400_000).expect("fits usize"))).expect("fits i64");
    Timestamp::from_millisecond(now.as_millisecond() - back).expect("time within range")
}

fn random_person(rng: &mut Rng, device: DeviceId, now: Timestamp) -> Person {
    // Most people are known by name; some only by a street name or a description.
    let name = (!rng.chance(0.05)).then(|| full_name(rng));
    let mut aliases = Vec::new();
    if name.is_none() || rng.chance(0.3) {
        aliases.push((*rng.pick(&NICKNAMES)).to_owned());
    }
    if rng.chance(0.1) {
        aliases.push(full_name(rng));
    }
    let dob = if rng.chance(0.6) {
        let year = 1950 + rng.below(55);
        let text = if rng.chance(0.7) {
            format!("{year}-{:02}-{:02}", 1 + rng.below(12), 1 + rng.below(28))
        } else {
            year.to_string()
        };
        Some(text.parse::<Dob>().expect("generated dob parses"))
    } else {
        None
    };
    let created = ms_ago(now, rng, 730);
    Person {
        id: PersonId::from_uuid(rng.uuid()),
        name,
        aliases,
        dob,
        description: rng.chance(0.4).then(|| (*rng.pick(DESCRIPTIONS)).to_owned()),
        gender: vec![],
        race_ethnicity: vec![],
        sex: None,
        status: if rng.chance(0.85) { PersonStatus::Active } else { PersonStatus::Inactive },
        case_manager: rng.chance(0.5).then(|| full_name(rng)),
        case_manager_phone: None,
        merged_into: None,
        created_by: Some(device),
        created_at: created,
        updated_at: ms_ago(now, rng, 60).max(created),
    }
}

fn random_services(rng: &mut Rng, catalog: &[String]) -> Services {
    let mut out = Services::new();
    for _ in 0..1 + rng.below(3) {
        let key = rng.pick(catalog).clone();
        let count = if rng.chance(0.3) { 1 + rng.below(5) } else { 1 };
        out.insert(key, u32::try_from(count).expect("small count"));
    }
    out
}

/// A point in central Seattle with a phone-like accuracy.
fn random_location(rng: &mut Rng) -> Location {
    Location::new(47.58 + rng.unit() * 0.08, -122.36 + rng.unit() * 0.08, Some(5.0 + rng.unit() * 40.0))
        .expect("valid location")
}

fn random_encounter(
    rng: &mut Rng,
    person: Option<PersonId>,
    device: DeviceId,
    now: Timestamp,
    catalog: &[String],
) -> Encounter {
    let at = ms_ago(now, rng, 365);
    Encounter {
        id: EncounterId::from_uuid(rng.uuid()),
        person_id: person,
        at: LocalInstant { utc: at, offset_seconds: OFFSET_S },
        location: Some(random_location(rng)),
        kind: *rng.pick(KINDS),
        services: random_services(rng, catalog),
        living_situation: (person.is_some() && rng.chance(0.5)).then(|| *rng.pick(HMIS_LIVING_SITUATION_CODES)),
        duration_minutes: rng.chance(0.5).then(|| u16::try_from(5 + rng.below(40)).expect("small")),
        note: (person.is_some() && rng.chance(0.4)).then(|| (*rng.pick(NOTES)).to_owned()),
        author: device,
    }
}

// ---------------------------------------------------------------------------------
// Statistics and printing

#[derive(Debug, Clone, Copy)]
struct Stats {
    n: usize,
    p50: Duration,
    p95: Duration,
    p99: Duration,
    max: Duration,
}

/// Nearest-rank percentiles.
fn stats(samples: &[Duration]) -> Stats {
    let mut v = samples.to_vec();
    v.sort_unstable();
    assert!(!v.is_empty(), "no samples");
    let rank = |q: f64| {
        let i = (q * v.len() as f64).ceil() as usize;
        v[i.clamp(1, v.len()) - 1]
    };
    Stats { n: v.len(), p50: rank(0.50), p95: rank(0.95), p99: rank(0.99), max: v[v.len() - 1] }
}

fn median(samples: &[Duration]) -> Duration {
    stats(samples).p50
}

fn ms(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64() * 1e3)
}

fn bytes(n: u64) -> String {
    if n >= 10 * 1024 * 1024 {
        format!("{:.1} MiB", n as f64 / (1024.0 * 1024.0))
    } else if n >= 10 * 1024 {
        format!("{:.1} KiB", n as f64 / 1024.0)
    } else {
        format!("{n} B")
    }
}

fn verdict(value: Duration, target_ms: f64) -> &'static str {
    if value.as_secs_f64() * 1e3 <= target_ms { "ok" } else { "OVER" }
}

fn latency_row(what: &str, s: Stats, target: Option<f64>, extra: &str) {
    let target = match target {
        Some(t) => format!("p99 <= {t} ms: {}", verdict(s.p99, t)),
        None => "-".to_owned(),
    };
    println!(
        "| {what} | {} | {} | {} | {} | {} | {target} | {extra} |",
        s.n,
        ms(s.p50),
        ms(s.p95),
        ms(s.p99),
        ms(s.max)
    );
}

fn latency_header() {
    println!("| operation | n | p50 ms | p95 ms | p99 ms | max ms | target | notes |");
    println!("|---|---:|---:|---:|---:|---:|---|---|");
}

fn store_size(dir: &Path) -> (u64, u64) {
    let len = |name: &str| fs::metadata(dir.join(name)).map(|m| m.len()).unwrap_or(0);
    (len(waymark_store::DB_FILE), len(&format!("{}-wal", waymark_store::DB_FILE)))
}

// ---------------------------------------------------------------------------------
// Store setup

/// Writes persons (with their officer cards) in large transactions, the way
/// `person add` writes one: the person document, then its card.
fn bulk_persons(device: &mut Device, rng: &mut Rng, count: usize) -> Vec<Person> {
    let me = device.device_id();
    let now = device.now();
    let persons: Vec<Person> = (0..count).map(|_| random_person(rng, me, now)).collect();
    for chunk in persons.chunks(SETUP_BATCH) {
        device
            .store()
            .write(|w| {
                for p in chunk {
                    w.update(DocId::new(DocKind::Person, *p.id.as_uuid()), |d| codec::write_person(d, p))?;
                    let card = OfficerCard::of(p, None);
                    w.update(DocId::new(DocKind::Card, *p.id.as_uuid()), |d| codec::write_card(d, &card))?;
                }
                Ok::<_, StoreError>(())
            })
            .expect("bulk person write");
    }
    persons
}

/// Writes encounters in large transactions, the way `encounter log` writes one; about
/// a quarter are anonymous supply contacts.
fn bulk_encounters(device: &mut Device, rng: &mut Rng, persons: &[Person], count: usize, catalog: &[String]) {
    let me = device.device_id();
    let now = device.now();
    let encounters: Vec<Encounter> = (0..count)
        .map(|_| {
            let person = (!rng.chance(0.25)).then(|| rng.pick(persons).id);
            random_encounter(rng, person, me, now, catalog)
        })
        .collect();
    for chunk in encounters.chunks(SETUP_BATCH) {
        device
            .store()
            .write(|w| {
                for e in chunk {
                    w.update(DocId::new(DocKind::Encounter, *e.id.as_uuid()), |d| codec::write_encounter(d, e))?;
                }
                Ok::<_, StoreError>(())
            })
            .expect("bulk encounter write");
    }
}

fn encounter_input(rng: &mut Rng, persons: &[Person], catalog: &[String]) -> EncounterInput {
    let person = (!rng.chance(0.3)).then(|| rng.pick(persons).id.to_string());
    let loc = random_location(rng);
    let services = random_services(rng, catalog).into_iter().map(|(k, n)| format!("{k}={n}")).collect();
    EncounterInput {
        lat: Some(loc.lat),
        lon: Some(loc.lon),
        accuracy_m: loc.accuracy_m,
        services,
        note: (person.is_some() && rng.chance(0.4)).then(|| (*rng.pick(NOTES)).to_owned()),
        kind: Some(rng.pick(KINDS).as_str().to_owned()),
        living_situation: (person.is_some() && rng.chance(0.5)).then(|| *rng.pick(HMIS_LIVING_SITUATION_CODES)),
        duration_minutes: rng.chance(0.5).then(|| u16::try_from(5 + rng.below(40)).expect("small")),
        person,
        at: None,
    }
}

/// New persons as a worker types them: mostly new names, some near-duplicates of
/// someone on the roster (a typo, a missing last name, a street name).
fn person_input(rng: &mut Rng, roster: &[Person]) -> PersonInput {
    let mut input = PersonInput::default();
    match rng.below(4) {
        0 => {
            let known = rng.pick(roster);
            let name = known.name.clone().unwrap_or_else(|| full_name(rng));
            // Drop one letter: the typo a worker makes on the street.
            let mut chars: Vec<char> = name.chars().collect();
            let drop = 1 + rng.below(chars.len().saturating_sub(2).max(1));
            chars.remove(drop.min(chars.len() - 1));
            input.name = Some(chars.into_iter().collect());
            input.dob = known.dob.map(|d| d.to_string());
        }
        1 => {
            input.name = Some((*rng.pick(&FIRST)).to_owned());
            input.aliases = vec![(*rng.pick(&NICKNAMES)).to_owned()];
            input.description = Some((*rng.pick(DESCRIPTIONS)).to_owned());
        }
        _ => {
            input.name = Some(full_name(rng));
            if rng.chance(0.5) {
                input.dob = Some(format!("{}-{:02}-{:02}", 1950 + rng.below(55), 1 + rng.below(12), 1 + rng.below(28)));
            }
        }
    }
    input
}

/// 3 or 4 letters from the middle of a name on the roster, the way someone types a
/// half-remembered name ("ndez", "ssic", "ower").
fn partial_name(rng: &mut Rng, roster: &[Person]) -> String {
    loop {
        let p = rng.pick(roster);
        let Some(name) = p.name.as_deref() else { continue };
        let words: Vec<&str> = name.split_whitespace().filter(|w| w.chars().count() >= 5).collect();
        if words.is_empty() {
            continue;
        }
        let chars: Vec<char> = rng.pick(&words).chars().collect();
        let len = 3 + rng.below(2);
        let start = 1 + rng.below(chars.len().saturating_sub(len + 1).max(1));
        let end = (start + len).min(chars.len());
        return chars[start..end].iter().collect::<String>().to_lowercase();
    }
}

// ---------------------------------------------------------------------------------
// Parts 1, 2 and 4: the device API on an encrypted store

fn store_benches(sizes: &Sizes, base: &Path) {
    let mut rng = Rng(0x5EED_0001);
    let tmp = tempfile::Builder::new().prefix("waymark-bench-").tempdir_in(base).expect("temp dir");
    let dir = tmp.path().join("store");
    let options = InitOptions { role: Some(Role::Supervisor), time_zone: Some("UTC".into()), ..InitOptions::default() };
    let (mut device, _) = Device::init(&dir, PASSPHRASE, options).expect("init store");
    let catalog: Vec<String> = default_services().into_iter().map(|e| e.key).collect();

    let started = Instant::now();
    let persons = bulk_persons(&mut device, &mut rng, sizes.persons);
    let persons_time = started.elapsed();
    let started = Instant::now();
    bulk_encounters(&mut device, &mut rng, &persons, sizes.encounters, &catalog);
    let encounters_time = started.elapsed();
    let (db, wal) = store_size(&dir);

    println!("## Setup\n");
    println!("| what | value |");
    println!("|---|---|");
    println!("| store folder | {} |", dir.display());
    println!(
        "| bulk write {} persons (+ cards), {SETUP_BATCH} per transaction | {:.2} s |",
        persons.len(),
        persons_time.as_secs_f64()
    );
    println!(
        "| bulk write {} encounters, {SETUP_BATCH} per transaction | {:.2} s |",
        sizes.encounters,
        encounters_time.as_secs_f64()
    );
    println!(
        "| store on disk after setup ({} persons, {} encounters) | db {} + wal {} = {} |",
        persons.len(),
        sizes.encounters,
        bytes(db),
        bytes(wal),
        bytes(db + wal)
    );
    println!(
        "| per record (db + wal) / ({} docs) | {} |",
        2 * persons.len() + sizes.encounters,
        bytes((db + wal) / (2 * persons.len() + sizes.encounters) as u64)
    );
    println!();

    // 1. Saving one encounter.
    let mut all = Vec::new();
    let mut linked = Vec::new();
    let mut anonymous = Vec::new();
    for _ in 0..sizes.saves {
        let input = encounter_input(&mut rng, &persons, &catalog);
        let is_linked = input.person.is_some();
        let started = Instant::now();
        device.encounter_log(input).expect("encounter log");
        let took = started.elapsed();
        all.push(took);
        if is_linked {
            linked.push(took);
        } else {
            anonymous.push(took);
        }
    }

    // 4. `person add` over the roster.
    let mut adds = Vec::new();
    let mut offered = 0usize;
    for _ in 0..sizes.adds {
        let input = person_input(&mut rng, &persons);
        let started = Instant::now();
        let added = device.person_add(input).expect("person add");
        adds.push(started.elapsed());
        offered += added.possible_duplicates.len();
    }
    let roster_at_add = persons.len();

    // Grow the roster for the searches.
    let more = sizes.search_persons.saturating_sub(persons.len() + sizes.adds);
    let started = Instant::now();
    let mut roster = persons;
    roster.extend(bulk_persons(&mut device, &mut rng, more));
    let grow_time = started.elapsed();
    let (db2, wal2) = store_size(&dir);

    // 2. Search by partial name.
    let mut search = Vec::new();
    let mut search_hits = 0usize;
    let mut lookup = Vec::new();
    let mut lookup_hits = 0usize;
    let mut misses = 0usize;
    let queries: Vec<String> = (0..sizes.searches).map(|_| partial_name(&mut rng, &roster)).collect();
    for q in &queries {
        let started = Instant::now();
        let found = device.person_search(q).expect("person search");
        search.push(started.elapsed());
        search_hits += found.len();
        misses += usize::from(found.is_empty());
        let started = Instant::now();
        let cards = device.lookup(q, Some("bench")).expect("lookup");
        lookup.push(started.elapsed());
        lookup_hits += cards.len();
    }
    let examples: Vec<&str> = queries.iter().take(6).map(String::as_str).collect();

    let mut adds_big = Vec::new();
    for _ in 0..sizes.adds {
        let input = person_input(&mut rng, &roster);
        let started = Instant::now();
        device.person_add(input).expect("person add");
        adds_big.push(started.elapsed());
    }

    // The office: the duplicate review over the whole roster and a year's report.
    let mut review = Vec::new();
    let mut pairs = 0usize;
    for _ in 0..3 {
        let started = Instant::now();
        pairs = device.duplicate_review().expect("duplicate review").len();
        review.push(started.elapsed());
    }
    let mut reports = Vec::new();
    let mut reported = 0u64;
    for _ in 0..5 {
        let started = Instant::now();
        let r = device.report("2026-01-01", "2026-12-31").expect("report");
        reports.push(started.elapsed());
        reported = serde_json::to_value(r).ok().and_then(|v| v["contacts"].as_u64()).unwrap_or(0);
    }

    println!("## Device API on the encrypted store (WAL, synchronous=FULL)\n");
    latency_header();
    latency_row(
        &format!("encounter log (all), store of {} encounters / {} persons", sizes.encounters, roster_at_add),
        stats(&all),
        Some(5.0),
        "one transaction, fsync on commit",
    );
    latency_row("encounter log, person-linked", stats(&linked), Some(5.0), "services + location + sometimes a note");
    latency_row("encounter log, anonymous", stats(&anonymous), Some(5.0), "services + location");
    latency_row(
        &format!("person add, roster of {roster_at_add}"),
        stats(&adds),
        None,
        &format!("duplicate scoring; {:.1} offered on average", offered as f64 / sizes.adds.max(1) as f64),
    );
    latency_row(
        &format!("person search, {} persons", roster.len() + sizes.adds),
        stats(&search),
        Some(20.0),
        &format!(
            "3-4 letters from mid-name, e.g. {examples:?}; {:.1} hits avg (cap 50), {misses} empty",
            search_hits as f64 / queries.len() as f64
        ),
    );
    latency_row(
        &format!("lookup (cards), {} cards", roster.len() + sizes.adds),
        stats(&lookup),
        Some(20.0),
        &format!("same queries; {:.1} hits avg (cap 50)", lookup_hits as f64 / queries.len() as f64),
    );
    latency_row(
        &format!("person add, roster of {}", roster.len() + sizes.adds),
        stats(&adds_big),
        None,
        "duplicate scoring over the larger roster",
    );
    latency_row(
        &format!("duplicate review, roster of {}", roster.len() + 2 * sizes.adds),
        stats(&review),
        None,
        &format!("likely pairs over the whole roster, blocked by name-word prefix; {pairs} pairs listed (cap 100)"),
    );
    latency_row(
        &format!("report, a year, {} encounters", sizes.encounters + sizes.saves),
        stats(&reports),
        None,
        &format!("every figure of `waymark report`; {reported} contacts in the year"),
    );
    println!();
    println!(
        "Roster grown by {more} persons in {:.2} s; store on disk then: db {} + wal {} = {}.\n",
        grow_time.as_secs_f64(),
        bytes(db2),
        bytes(wal2),
        bytes(db2 + wal2)
    );
}

// ---------------------------------------------------------------------------------
// Part 3: encounter granularity at the automerge level

/// A fresh actor as the store makes one: device id and an 8-byte session. Encounters of
/// one person are days apart, so each is assumed to come from a new app session.
fn actor(rng: &mut Rng) -> ActorId {
    let mut bytes = rng.uuid().as_bytes().to_vec();
    bytes.extend_from_slice(&rng.next().to_le_bytes());
    ActorId::from(bytes)
}

fn put_scalar(doc: &mut AutoCommit, obj: &ObjId, key: &str, value: ScalarValue) {
    doc.put(obj, key, value).expect("put");
}

fn opt_str(v: Option<String>) -> ScalarValue {
    v.map_or(ScalarValue::Null, |s| ScalarValue::Str(s.into()))
}

fn opt_f64(v: Option<f64>) -> ScalarValue {
    v.map_or(ScalarValue::Null, ScalarValue::F64)
}

fn opt_int(v: Option<i64>) -> ScalarValue {
    v.map_or(ScalarValue::Null, ScalarValue::Int)
}

/// Design (b): the encounter as a map appended to the person document's `encounters`
/// list, with the same fields `codec::write_encounter` puts at a document's root (less
/// `kind` and `person_id`, which the enclosing document implies, plus the id).
fn append_encounter(doc: &mut AutoCommit, e: &Encounter) {
    let list = match doc.get(ROOT, "encounters").expect("get encounters") {
        Some((Value::Object(ObjType::List), id)) => id,
        _ => doc.put_object(ROOT, "encounters", ObjType::List).expect("make encounters"),
    };
    let at = doc.length(&list);
    let map = doc.insert_object(&list, at, ObjType::Map).expect("insert encounter");
    put_scalar(doc, &map, "id", ScalarValue::Str(e.id.to_string().into()));
    put_scalar(doc, &map, "at", ScalarValue::Int(e.at.utc.as_millisecond()));
    put_scalar(doc, &map, "offset_s", ScalarValue::Int(i64::from(e.at.offset_seconds)));
    put_scalar(doc, &map, "contact_kind", ScalarValue::Str(e.kind.as_str().into()));
    put_scalar(doc, &map, "living_situation", opt_int(e.living_situation.map(i64::from)));
    put_scalar(doc, &map, "duration_min", opt_int(e.duration_minutes.map(i64::from)));
    put_scalar(doc, &map, "note", opt_str(e.note.clone()));
    put_scalar(doc, &map, "author", ScalarValue::Str(e.author.to_string().into()));
    put_scalar(doc, &map, "lat", opt_f64(e.location.map(|l| l.lat)));
    put_scalar(doc, &map, "lon", opt_f64(e.location.map(|l| l.lon)));
    put_scalar(doc, &map, "accuracy_m", opt_f64(e.location.and_then(|l| l.accuracy_m)));
    let services = doc.put_object(&map, "services", ObjType::Map).expect("services");
    for (key, count) in &e.services {
        doc.put(&services, key.as_str(), i64::from(*count)).expect("service");
    }
}

fn scalar_at(doc: &AutoCommit, obj: &ObjId, key: &str) -> Option<ScalarValue> {
    match doc.get(obj, key).expect("get") {
        Some((Value::Scalar(v), _)) if !v.is_null() => Some(v.into_owned()),
        _ => None,
    }
}

fn str_at(doc: &AutoCommit, obj: &ObjId, key: &str) -> Option<String> {
    match scalar_at(doc, obj, key) {
        Some(ScalarValue::Str(s)) => Some(s.to_string()),
        _ => None,
    }
}

fn int_at(doc: &AutoCommit, obj: &ObjId, key: &str) -> Option<i64> {
    match scalar_at(doc, obj, key) {
        Some(ScalarValue::Int(i)) => Some(i),
        _ => None,
    }
}

fn f64_at(doc: &AutoCommit, obj: &ObjId, key: &str) -> Option<f64> {
    match scalar_at(doc, obj, key) {
        Some(ScalarValue::F64(f)) => Some(f),
        _ => None,
    }
}

/// Design (b): reads every encounter of the person document back into `Encounter`s,
/// field for field what `codec::read_encounter` reads.
fn read_timeline(doc: &AutoCommit, person: PersonId) -> Vec<Encounter> {
    let Some((Value::Object(ObjType::List), list)) = doc.get(ROOT, "encounters").expect("get list") else {
        return Vec::new();
    };
    let mut out = Vec::with_capacity(doc.length(&list));
    for i in 0..doc.length(&list) {
        let Some((Value::Object(ObjType::Map), map)) = doc.get(&list, i).expect("get item") else { continue };
        let mut services = Services::new();
        if let Some((Value::Object(ObjType::Map), s)) = doc.get(&map, "services").expect("services") {
            for key in doc.keys(&s) {
                if let Some(n) = int_at(doc, &s, &key) {
                    services.insert(key, u32::try_from(n).unwrap_or(0));
                }
            }
        }
        let location = match (f64_at(doc, &map, "lat"), f64_at(doc, &map, "lon")) {
            (Some(lat), Some(lon)) => Location::new(lat, lon, f64_at(doc, &map, "accuracy_m")).ok(),
            _ => None,
        };
        out.push(Encounter {
            id: str_at(doc, &map, "id").expect("id").parse().expect("id parses"),
            person_id: Some(person),
            at: LocalInstant {
                utc: Timestamp::from_millisecond(int_at(doc, &map, "at").expect("at")).expect("time"),
                offset_seconds: i32::try_from(int_at(doc, &map, "offset_s").unwrap_or(0)).expect("offset"),
            },
            location,
            kind: str_at(doc, &map, "contact_kind").and_then(|k| k.parse().ok()).unwrap_or_default(),
            services,
            living_situation: int_at(doc, &map, "living_situation").and_then(|v| u16::try_from(v).ok()),
            duration_minutes: int_at(doc, &map, "duration_min").and_then(|v| u16::try_from(v).ok()),
            note: str_at(doc, &map, "note"),
            author: str_at(doc, &map, "author").expect("author").parse().expect("author parses"),
        });
    }
    out
}

#[derive(Debug, Default)]
struct Granularity {
    change_bytes: BTreeMap<char, Vec<usize>>,
    add_time: BTreeMap<char, Vec<Duration>>,
    load_time: BTreeMap<char, Vec<Duration>>,
    load_only_time: BTreeMap<char, Vec<Duration>>,
    load_bytes: BTreeMap<char, usize>,
    doc_bytes: BTreeMap<char, usize>,
    snapshot_time: BTreeMap<char, Vec<Duration>>,
}

fn granularity(n: usize, reps: usize, rng: &mut Rng, catalog: &[String]) -> Granularity {
    let device = DeviceId::from_uuid(rng.uuid());
    let now = Timestamp::now();
    let person = random_person(rng, device, now);
    let mut encounters: Vec<Encounter> =
        (0..n).map(|_| random_encounter(rng, Some(person.id), device, now, catalog)).collect();
    encounters.sort_by_key(|e| e.at.utc);
    let mut g = Granularity::default();

    // (a) One document per encounter, plus the person document.
    let mut person_doc = AutoCommit::new().with_actor(actor(rng));
    codec::write_person(&mut person_doc, &person).expect("write person");
    let person_bytes = person_doc.save();
    let encounter_bytes: Vec<Vec<u8>> = encounters
        .iter()
        .map(|e| {
            let mut doc = AutoCommit::new().with_actor(actor(rng));
            codec::write_encounter(&mut doc, e).expect("write encounter");
            doc.save()
        })
        .collect();

    // (b) The person document with its encounters in a list.
    let mut whole = AutoCommit::new().with_actor(actor(rng));
    codec::write_person(&mut whole, &person).expect("write person");
    for e in &encounters {
        whole.set_actor(actor(rng));
        append_encounter(&mut whole, e);
        whole.commit();
    }
    let whole_bytes = whole.save();

    g.load_bytes.insert('a', person_bytes.len() + encounter_bytes.iter().map(Vec::len).sum::<usize>());
    g.load_bytes.insert('b', whole_bytes.len());
    g.doc_bytes.insert('a', person_bytes.len());
    g.doc_bytes.insert('b', whole_bytes.len());

    for _ in 0..reps {
        let e = random_encounter(rng, Some(person.id), device, now, catalog);
        let a = actor(rng);

        // (a) add: a new document; nothing existing is loaded.
        let started = Instant::now();
        let mut doc = AutoCommit::new().with_actor(a.clone());
        codec::write_encounter(&mut doc, &e).expect("write encounter");
        let change = doc.save_incremental();
        g.add_time.entry('a').or_default().push(started.elapsed());
        g.change_bytes.entry('a').or_default().push(change.len());

        // (b) add: load the person document, append, save what changed. (`load` leaves
        // the save cursor empty, so the new bytes are taken after the loaded heads.)
        let started = Instant::now();
        let mut doc = AutoCommit::load(&whole_bytes).expect("load person").with_actor(a);
        let heads = doc.get_heads();
        append_encounter(&mut doc, &e);
        let change = doc.save_after(&heads);
        g.add_time.entry('b').or_default().push(started.elapsed());
        g.change_bytes.entry('b').or_default().push(change.len());

        // Timeline: load every document the person's history lives in and read it.
        let started = Instant::now();
        let doc = AutoCommit::load(&person_bytes).expect("load person");
        let p = codec::read_person(&doc, person.id).expect("read person");
        let mut timeline = Vec::with_capacity(n);
        for (bytes, e) in encounter_bytes.iter().zip(&encounters) {
            let doc = AutoCommit::load(bytes).expect("load encounter");
            timeline.push(codec::read_encounter(&doc, e.id).expect("read encounter"));
        }
        g.load_time.entry('a').or_default().push(started.elapsed());
        assert_eq!(timeline.len(), n, "timeline (a) complete");
        assert_eq!(p.id, person.id, "person (a) read");

        let started = Instant::now();
        let doc = AutoCommit::load(&whole_bytes).expect("load person");
        let p = codec::read_person(&doc, person.id).expect("read person");
        let timeline = read_timeline(&doc, person.id);
        g.load_time.entry('b').or_default().push(started.elapsed());
        assert_eq!(timeline.len(), n, "timeline (b) complete");
        assert_eq!(p.id, person.id, "person (b) read");
        assert_eq!(timeline, encounters, "timeline (b) round-trips");

        // The same loads without reading anything back.
        let started = Instant::now();
        std::hint::black_box(AutoCommit::load(&person_bytes).expect("load person"));
        for bytes in &encounter_bytes {
            std::hint::black_box(AutoCommit::load(bytes).expect("load encounter"));
        }
        g.load_only_time.entry('a').or_default().push(started.elapsed());
        let started = Instant::now();
        std::hint::black_box(AutoCommit::load(&whole_bytes).expect("load person"));
        g.load_only_time.entry('b').or_default().push(started.elapsed());

        // Compaction: the store snapshots a document after 32 changes, inside the
        // user's write transaction.
        let mut doc = AutoCommit::load(&encounter_bytes[0]).expect("load encounter");
        let started = Instant::now();
        std::hint::black_box(doc.save());
        g.snapshot_time.entry('a').or_default().push(started.elapsed());
        let mut doc = AutoCommit::load(&whole_bytes).expect("load person");
        let started = Instant::now();
        std::hint::black_box(doc.save());
        g.snapshot_time.entry('b').or_default().push(started.elapsed());
    }
    g
}

fn granularity_benches(sizes: &Sizes) {
    let mut rng = Rng(0x5EED_0003);
    let catalog: Vec<String> = default_services().into_iter().map(|e| e.key).collect();
    println!("## Encounter granularity (automerge only, medians of {} runs)\n", sizes.reps);
    println!("(a) = one document per encounter (today's store); (b) = a list of maps inside the person document.");
    println!("Each encounter is written by a fresh actor (a new app session), as days apart in the field.\n");
    println!(
        "| encounters | design | change bytes per new encounter | add one ms (load + change + save) | timeline load + read ms | of which load ms | timeline bytes loaded | person doc bytes | snapshot (compaction) ms |"
    );
    println!("|---:|---|---:|---:|---:|---:|---:|---:|---:|");
    for &n in &sizes.timeline {
        let g = granularity(n, sizes.reps, &mut rng, &catalog);
        for (key, label) in [('a', "(a) own docs"), ('b', "(b) in person doc")] {
            let mut change = g.change_bytes[&key].clone();
            change.sort_unstable();
            println!(
                "| {n} | {label} | {} | {} | {} | {} | {} | {} | {} |",
                change[change.len() / 2],
                ms(median(&g.add_time[&key])),
                ms(median(&g.load_time[&key])),
                ms(median(&g.load_only_time[&key])),
                bytes(g.load_bytes[&key] as u64),
                bytes(g.doc_bytes[&key] as u64),
                ms(median(&g.snapshot_time[&key])),
            );
        }
    }
    println!();
    println!(
        "(a)'s timeline load opens n+1 documents; (a)'s person doc excludes encounters. The store's own timeline \
         reads the SQLite index (`encounters` rows), not the documents; (a)'s compaction snapshots one encounter."
    );
    println!();
}

fn main() {
    let sizes = Sizes::from_env();
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let base = std::env::var_os("WAYMARK_BENCH_DIR").map_or_else(std::env::temp_dir, Into::into);
    println!("# Waymark device benchmark\n");
    println!("| machine | value |");
    println!("|---|---|");
    println!("| cores (available parallelism) | {cores} |");
    println!(
        "| quick mode (WAYMARK_BENCH_QUICK) | {} |",
        if sizes.quick { "on: smaller sizes, smoke run only" } else { "off" }
    );
    println!("| build | {} |", if cfg!(debug_assertions) { "debug (numbers not meaningful)" } else { "release" });
    println!("| temp base | {} |", base.display());
    println!();
    store_benches(&sizes, &base);
    granularity_benches(&sizes);
}
