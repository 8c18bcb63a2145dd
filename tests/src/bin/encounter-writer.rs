//! A helper process for the crash test: opens a device store and logs contacts as fast
//! as it can, printing each id only after the device API acknowledged it (after the
//! commit). The test kills it with SIGKILL at random moments.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use waymark_device::{Device, EncounterInput};

fn main() -> anyhow::Result<()> {
    let dir: PathBuf = std::env::args_os().nth(1).context("usage: encounter-writer DATA_DIR")?.into();
    let mut device = Device::open(&dir, waymark_scenarios::PASSPHRASE)?;
    let person = device.person_list()?.first().map(|p| p.id.to_string());
    let stdout = std::io::stdout();
    for i in 0u64.. {
        let input = EncounterInput {
            person: if i % 2 == 0 { person.clone() } else { None },
            lat: Some(47.6),
            lon: Some(-122.3),
            services: vec!["naloxone=1".into(), "water".into()],
            note: Some(format!("contact {i}")),
            ..EncounterInput::default()
        };
        let saved = device.encounter_log(input)?;
        let mut out = stdout.lock();
        writeln!(out, "{}", saved.id)?;
        out.flush()?;
    }
    Ok(())
}
