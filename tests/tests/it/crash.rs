//! Nothing acknowledged is lost on a crash: a writer process is killed with SIGKILL at
//! random points of its work, hundreds of times; every id it printed (printed only after the
//! commit returned) must be in the store, and the store must open cleanly.

use std::collections::HashSet;
use std::process::Command;

use waymark_device::{Device, InitOptions, PersonInput};
use waymark_domain::role::Role;
use waymark_scenarios::PASSPHRASE;

use crate::kill::{XorShift, run_killed};

fn kills() -> usize {
    std::env::var("WAYMARK_CRASH_KILLS").ok().and_then(|v| v.parse().ok()).unwrap_or(200)
}

#[test]
fn every_acknowledged_contact_survives_kill_9() {
    let mut rng = XorShift::from_env("crash test");
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
        let mut command = Command::new(writer);
        command.arg(&data);
        let killed = run_killed(command, &mut rng, 20);
        killed_mid_run += usize::from(killed.mid_run);
        acknowledged.extend(killed.acknowledged);
    }
    assert!(killed_mid_run > kills() / 2, "most kills should land while contacts are being written");

    let mut device = Device::open(&data, PASSPHRASE).expect("the store opens after every crash");
    device.store().check_integrity().expect("the store is intact");
    let stored: HashSet<String> = device.encounter_list(None).expect("list").into_iter().map(|e| e.id).collect();
    let missing: Vec<&String> = acknowledged.iter().filter(|id| !stored.contains(*id)).collect();
    assert!(missing.is_empty(), "{} of {} acknowledged contacts lost: {missing:?}", missing.len(), acknowledged.len());
    println!("{} kills, {} acknowledged contacts, {} stored", kills(), acknowledged.len(), stored.len());
}
