//! The app's unlock: the passphrase opens the store, and wrong passphrases are
//! counted. From the 5th wrong one in a row unlock is refused for a growing time
//! (30 s, 1 min, 2 min, 4 min, 8 min) without trying the passphrase; the 10th destroys
//! the store's keys, so its data can never be read again. A right passphrase resets
//! the count.
//!
//! The count lives in `unlock.json` beside the encrypted database (it has to be
//! readable before the key exists). It holds only the count and the lockout's end,
//! never the passphrase or anything derived from it. It guards the app's own unlock
//! screen; it is no defence against someone who copies the data directory, which the
//! passphrase's Argon2id cost is for. The CLI keeps `Device::open`, which does not
//! count: scripts must not erase a device by retrying.

use std::fs;
use std::io::{ErrorKind, Write};
use std::path::Path;

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use waymark_store::{Store, StoreError};

use crate::{Device, DeviceError, Result, system_clock};

/// The file beside the database that counts wrong passphrases.
pub const UNLOCK_FILE: &str = "unlock.json";
/// From this many wrong passphrases in a row, unlock waits between attempts.
pub const LOCKOUT_AFTER: u32 = 5;
/// At this many wrong passphrases in a row, the keys are destroyed.
pub const WIPE_AFTER: u32 = 10;
/// The first lockout; each further wrong passphrase doubles it.
const FIRST_LOCKOUT_SECS: i64 = 30;

/// Where unlock stands, for the unlock screen: the warning and the countdown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct UnlockState {
    /// Wrong passphrases in a row since the last unlock.
    pub failures: u32,
    /// Wrong passphrases still allowed before the keys are destroyed.
    pub attempts_left: u32,
    /// When the current lockout ends; `null` when unlock may be tried now.
    #[ts(type = "string | null")]
    pub locked_until: Option<Timestamp>,
    /// Whole seconds until then (0 when not locked out): what the screen counts down.
    pub wait_seconds: u64,
}

/// `unlock.json`. Written atomically; a missing file means no failures.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct Attempts {
    failures: u32,
    locked_until: Option<Timestamp>,
}

/// How long unlock is refused after `failures` wrong passphrases in a row.
pub fn lockout(failures: u32) -> SignedDuration {
    if failures < LOCKOUT_AFTER {
        return SignedDuration::ZERO;
    }
    let doublings = (failures - LOCKOUT_AFTER).min(WIPE_AFTER - LOCKOUT_AFTER);
    SignedDuration::from_secs(FIRST_LOCKOUT_SECS << doublings)
}

impl Attempts {
    fn read(dir: &Path) -> Result<Attempts> {
        let path = dir.join(UNLOCK_FILE);
        match fs::read_to_string(&path) {
            // A damaged count must never read as "no failures": it counts as the
            // first lockout's worth, so the warning shows and nothing is erased.
            Ok(text) => {
                Ok(serde_json::from_str(&text).unwrap_or(Attempts { failures: LOCKOUT_AFTER, locked_until: None }))
            }
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(Attempts::default()),
            Err(source) => Err(StoreError::Io { path, source }.into()),
        }
    }

    /// Writes the count durably (temp file, fsync, rename, fsync the folder), so a
    /// crash never loses a counted failure or leaves half a file.
    fn write(&self, dir: &Path) -> Result<()> {
        let path = dir.join(UNLOCK_FILE);
        let tmp = dir.join("unlock.json.tmp");
        let io = |source| DeviceError::Store(StoreError::Io { path: path.clone(), source });
        let text = serde_json::to_string(self).map_err(|e| DeviceError::Store(StoreError::Corrupt(e.to_string())))?;
        let mut options = fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut f = options.open(&tmp).map_err(io)?;
        f.write_all(text.as_bytes()).map_err(io)?;
        f.sync_all().map_err(io)?;
        fs::rename(&tmp, &path).map_err(io)?;
        fs::File::open(dir).and_then(|d| d.sync_all()).map_err(io)
    }

    /// Forgets the count (after a right passphrase, or once the store is gone).
    fn clear(dir: &Path) -> Result<()> {
        let path = dir.join(UNLOCK_FILE);
        match fs::remove_file(&path) {
            Ok(()) => {
                fs::File::open(dir).and_then(|d| d.sync_all()).map_err(|source| StoreError::Io { path, source }.into())
            }
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
            Err(source) => Err(StoreError::Io { path, source }.into()),
        }
    }

    /// What is left of the lockout at `now`. A lockout never runs longer than its
    /// own length, so a clock set back does not lock the worker out for hours.
    fn wait(&self, now: Timestamp) -> SignedDuration {
        let Some(until) = self.locked_until else { return SignedDuration::ZERO };
        until.duration_since(now).clamp(SignedDuration::ZERO, lockout(self.failures))
    }

    fn state(&self, now: Timestamp) -> UnlockState {
        let wait = self.wait(now);
        let wait_seconds = whole_seconds(wait);
        UnlockState {
            failures: self.failures,
            attempts_left: WIPE_AFTER.saturating_sub(self.failures),
            locked_until: (wait_seconds > 0).then(|| now.checked_add(wait).unwrap_or(now)),
            wait_seconds,
        }
    }
}

/// Seconds, rounded up: a countdown shows "1 s" until the very end.
fn whole_seconds(d: SignedDuration) -> u64 {
    let secs = d.as_secs() + i64::from(d.subsec_nanos() > 0);
    u64::try_from(secs).unwrap_or(0)
}

/// "45 seconds", "1 minute", "2 minutes 30 seconds".
pub(crate) fn duration_words(seconds: u64) -> String {
    let plural = |n: u64, one: &str| if n == 1 { format!("1 {one}") } else { format!("{n} {one}s") };
    match (seconds / 60, seconds % 60) {
        (0, s) => plural(s, "second"),
        (m, 0) => plural(m, "minute"),
        (m, s) => format!("{} {}", plural(m, "minute"), plural(s, "second")),
    }
}

/// The tail of a wrong-passphrase message: from the 5th failure, how many attempts
/// are left before the data is erased and how long to wait.
pub(crate) fn wrong_warning(attempts_left: u32, wait_seconds: u64) -> String {
    if WIPE_AFTER.saturating_sub(attempts_left) < LOCKOUT_AFTER {
        return String::new();
    }
    let attempts = if attempts_left == 1 { "attempt" } else { "attempts" };
    format!(
        ": {attempts_left} more wrong {attempts} will destroy this device's keys and erase its data for good; \
         unlock again in {}",
        duration_words(wait_seconds)
    )
}

/// Destroys the store's keys and files: `key.json` first (without its salt the
/// passphrase can never derive the key again), then the database; then the count.
fn destroy(dir: &Path) -> Result<()> {
    waymark_store::wipe(dir)?;
    Attempts::clear(dir)
}

impl Device {
    /// Opens the device store in `dir` for the app, counting wrong passphrases (see
    /// the module's doc). `now` is the time the lockout is measured against.
    pub fn unlock(dir: &Path, passphrase: &str, now: Timestamp) -> Result<Device> {
        let mut attempts = Attempts::read(dir)?;
        if attempts.failures >= WIPE_AFTER {
            // The 10th failure was counted but the erasing did not finish (a crash):
            // finish it now.
            destroy(dir)?;
            return Err(DeviceError::Wiped);
        }
        let wait = attempts.wait(now);
        if wait > SignedDuration::ZERO {
            return Err(DeviceError::LockedOut {
                wait_seconds: whole_seconds(wait),
                attempts_left: WIPE_AFTER - attempts.failures,
            });
        }
        match Store::open(dir, passphrase) {
            Ok(store) => {
                if attempts != Attempts::default() {
                    Attempts::clear(dir)?;
                }
                Ok(Device { store, clock: system_clock() })
            }
            Err(StoreError::WrongPassphrase(_)) => {
                attempts.failures += 1;
                let period = lockout(attempts.failures);
                attempts.locked_until = (period > SignedDuration::ZERO).then(|| now.checked_add(period).unwrap_or(now));
                // Counted before the answer leaves this function: whoever tries cannot
                // learn the result of an attempt that was not counted.
                attempts.write(dir)?;
                if attempts.failures >= WIPE_AFTER {
                    destroy(dir)?;
                    return Err(DeviceError::Wiped);
                }
                Err(DeviceError::WrongPassphrase {
                    attempts_left: WIPE_AFTER - attempts.failures,
                    wait_seconds: whole_seconds(period),
                })
            }
            Err(other) => Err(other.into()),
        }
    }

    /// Where unlock stands at `now`: failures so far, attempts left, the lockout.
    pub fn unlock_state(dir: &Path, now: Timestamp) -> Result<UnlockState> {
        Ok(Attempts::read(dir)?.state(now))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lockouts_double_from_the_fifth_failure() {
        let secs: Vec<i64> = (3..=10).map(|f| lockout(f).as_secs()).collect();
        assert_eq!(secs, vec![0, 0, 30, 60, 120, 240, 480, 960]);
    }

    #[test]
    fn durations_read_as_words() {
        assert_eq!(duration_words(1), "1 second");
        assert_eq!(duration_words(45), "45 seconds");
        assert_eq!(duration_words(60), "1 minute");
        assert_eq!(duration_words(150), "2 minutes 30 seconds");
    }

    #[test]
    fn a_set_back_clock_never_lengthens_a_lockout() {
        let now: Timestamp = "2026-01-01T12:00:00Z".parse().expect("time");
        let attempts = Attempts { failures: 5, locked_until: Some(now + SignedDuration::from_hours(3)) };
        assert_eq!(attempts.state(now).wait_seconds, 30);
    }
}
