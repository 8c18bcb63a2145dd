//! A helper process for the audit crash test: opens an officer's device store and
//! alternates roster lookups (each with its own reason) and views of a card, printing
//! each action only after the device API returned its answer. The test kills it with
//! SIGKILL at random moments.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use waymark_device::Device;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args_os().skip(1);
    let dir: PathBuf = args.next().context("usage: audit-writer DATA_DIR CARD_ID RUN")?.into();
    let card = args.next().and_then(|a| a.into_string().ok()).context("a card id")?;
    let run = args.next().and_then(|a| a.into_string().ok()).context("a run number")?;
    let mut device = Device::open(&dir, waymark_scenarios::PASSPHRASE)?;
    let stdout = std::io::stdout();
    for i in 0u64.. {
        let line = if i % 2 == 0 {
            let reason = format!("welfare check {run}.{i}");
            device.lookup("Ann", Some(&reason))?;
            format!("lookup {reason}")
        } else {
            device.person_show(&card)?;
            format!("view {card}")
        };
        let mut out = stdout.lock();
        writeln!(out, "{line}")?;
        out.flush()?;
    }
    Ok(())
}
