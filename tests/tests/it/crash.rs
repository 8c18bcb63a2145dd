//! Nothing acknowledged is lost on a crash: a writer process is killed with SIGKILL at
//! random points of its work, hundreds of times; every id it printed (printed only after the
//! commit returned) must be in the store, and the store must open cleanly.

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use waymark_device::{Device, InitOptions, PersonInput};
use waymark_domain::role::Role;
use waymark_scenarios::PASSPHRASE;

/// A small deterministic generator; the seed is printed so a failure can be replayed
/// with `WAYMARK_CRASH_SEED`.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn kills() -> usize {
    std::env::var("WAYMARK_CRASH_KILLS").ok().and_then(|v| v.parse().ok()).unwrap_or(200)
}

#[test]
fn every_acknowledged_contact_survives_kill_9() {
    let seed = std::env::var("WAYMARK_CRASH_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(1) | 1);
    println!("crash test seed {seed}");
    let mut rng = XorShift(seed);
    let dir = tempfile::TempDir::new().expect("temp dir");
    let data = dir.path().join("device");
    let (mut device, _) =
        Device::init(&data, PASSPHRASE, InitOptions { role: Some(Role::Outreach), ..InitOptions::default() })
            .expect("init");
    device.person_add(PersonInput { name: Some("Kill Test".into()), ..PersonInput::default() }).expect("person");
    drop(device);

    let writer = env!("CARGO_BIN_EXE_encounter-writer");
    let mut acknowledged: Vec<String> = Vec::new();
    let mut killed_mid_run = 0;
    for _ in 0..kills() {
        let mut child = Command::new(writer)
            .arg(&data)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("writer starts");
        let mut out = BufReader::new(child.stdout.take().expect("stdout"));
        // Where to kill is counted in acknowledged contacts, not milliseconds, so a
        // loaded machine changes nothing: one kill in ten lands while the store is
        // still opening (key derivation), the rest after 1..20 acknowledged writes,
        // with a little jitter so some land mid-transaction.
        let after = if rng.next().is_multiple_of(10) { 0 } else { 1 + rng.next() % 20 };
        if after == 0 {
            std::thread::sleep(Duration::from_millis(rng.next() % 30));
        }
        let mut seen = 0;
        let mut line = String::new();
        while seen < after {
            line.clear();
            if out.read_line(&mut line).expect("read ids") == 0 {
                break;
            }
            acknowledged.push(line.trim_end().to_owned());
            seen += 1;
        }
        std::thread::sleep(Duration::from_micros(rng.next() % 3000));
        let still_running = child.try_wait().expect("poll").is_none();
        child.kill().expect("SIGKILL");
        child.wait().expect("reaped");
        let mut rest = String::new();
        out.read_to_string(&mut rest).expect("read ids");
        let mut err = String::new();
        child.stderr.take().expect("stderr").read_to_string(&mut err).expect("read errors");
        assert!(still_running, "the writer stopped by itself: {err}");
        killed_mid_run += usize::from(seen > 0);
        acknowledged.extend(rest.lines().map(str::to_owned));
    }
    assert!(killed_mid_run > kills() / 2, "most kills should land while contacts are being written");

    let mut device = Device::open(&data, PASSPHRASE).expect("the store opens after every crash");
    device.store().check_integrity().expect("the store is intact");
    let stored: HashSet<String> = device.encounter_list(None).expect("list").into_iter().map(|e| e.id).collect();
    let missing: Vec<&String> = acknowledged.iter().filter(|id| !stored.contains(*id)).collect();
    assert!(missing.is_empty(), "{} of {} acknowledged contacts lost: {missing:?}", missing.len(), acknowledged.len());
    println!("{} kills, {} acknowledged contacts, {} stored", kills(), acknowledged.len(), stored.len());
}
