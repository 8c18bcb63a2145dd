//! Killing a helper process with SIGKILL at random moments, for the crash tests.

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A small deterministic generator; the seed is printed so a failure can be replayed
/// with `WAYMARK_CRASH_SEED`.
pub struct XorShift(u64);

impl XorShift {
    /// Seeded from `WAYMARK_CRASH_SEED`, else from the clock; prints the seed.
    pub fn from_env(what: &str) -> Self {
        let seed = std::env::var("WAYMARK_CRASH_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or_else(|| {
            SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(1) | 1
        });
        println!("{what} seed {seed}");
        XorShift(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// What one killed run printed.
pub struct Killed {
    /// Every line the process printed (each one an acknowledged action).
    pub acknowledged: Vec<String>,
    /// Whether the kill came after at least one acknowledged action.
    pub mid_run: bool,
}

/// Starts `command` and kills it with SIGKILL. Where to kill is counted in
/// acknowledged lines, not milliseconds, so a loaded machine changes nothing: one kill
/// in ten lands while the process is still starting (opening its store), the rest
/// after 1..=`max_acks` lines, with a little jitter so some land mid-transaction.
/// Panics if the process stopped by itself.
pub fn run_killed(mut command: Command, rng: &mut XorShift, max_acks: u64) -> Killed {
    let mut child = command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("the process starts");
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let after = if rng.next().is_multiple_of(10) { 0 } else { 1 + rng.next() % max_acks };
    if after == 0 {
        std::thread::sleep(Duration::from_millis(rng.next() % 30));
    }
    let mut acknowledged = Vec::new();
    let mut line = String::new();
    while (acknowledged.len() as u64) < after {
        line.clear();
        if out.read_line(&mut line).expect("read") == 0 {
            break;
        }
        acknowledged.push(line.trim_end().to_owned());
    }
    let mid_run = !acknowledged.is_empty();
    std::thread::sleep(Duration::from_micros(rng.next() % 3000));
    let still_running = child.try_wait().expect("poll").is_none();
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");
    let mut rest = String::new();
    out.read_to_string(&mut rest).expect("read");
    let mut err = String::new();
    child.stderr.take().expect("stderr").read_to_string(&mut err).expect("read errors");
    assert!(still_running, "the process stopped by itself: {err}");
    acknowledged.extend(rest.lines().map(str::to_owned));
    Killed { acknowledged, mid_run }
}
