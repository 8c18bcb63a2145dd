//! The app's unlock on real store files with a test clock: wrong passphrases counted,
//! the growing lockout from the 5th (refusing even the right passphrase), the warning
//! before the data is erased, and the keys destroyed at the 10th.

use std::path::{Path, PathBuf};

use jiff::{SignedDuration, Timestamp};
use waymark_device::*;
use waymark_domain::role::Role;

const PASS: &str = "correct horse battery staple";
const WRONG: &str = "incorrect horse";

/// A clock the test moves by hand.
struct TestClock(Timestamp);

impl TestClock {
    fn new() -> Self {
        Self("2026-03-01T09:00:00Z".parse().expect("time"))
    }

    fn now(&self) -> Timestamp {
        self.0
    }

    fn advance(&mut self, secs: i64) {
        self.0 = self.0.checked_add(SignedDuration::from_secs(secs)).expect("time");
    }
}

/// A device store made and closed again, as the app finds it after a lock.
fn locked_device() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::TempDir::new().expect("temp dir");
    let store = dir.path().join("store");
    let options = InitOptions { role: Some(Role::Outreach), time_zone: Some("UTC".into()), ..InitOptions::default() };
    let (mut device, _) = Device::init(&store, PASS, options).expect("init");
    device.person_add(PersonInput { name: Some("Rosa Diaz".into()), ..PersonInput::default() }).expect("add");
    drop(device);
    (dir, store)
}

fn wrong(dir: &Path, now: Timestamp) -> DeviceError {
    Device::unlock(dir, WRONG, now).expect_err("a wrong passphrase must not unlock")
}

fn state(dir: &Path, now: Timestamp) -> UnlockState {
    Device::unlock_state(dir, now).expect("unlock state")
}

#[test]
fn four_wrong_passphrases_neither_lock_out_nor_warn_and_the_right_one_resets() {
    let (_tmp, dir) = locked_device();
    let clock = TestClock::new();
    for n in 1..=4 {
        let e = wrong(&dir, clock.now());
        assert_eq!(e.code(), ErrorCode::WrongPassphrase);
        assert_eq!(e.to_string(), "wrong passphrase", "no warning before the 5th failure");
        let s = state(&dir, clock.now());
        assert_eq!((s.failures, s.attempts_left, s.locked_until, s.wait_seconds), (n, 10 - n, None, 0));
    }
    // No lockout: the right passphrase opens at once, and the count is gone.
    let mut device = Device::unlock(&dir, PASS, clock.now()).expect("unlock after 4 failures");
    assert_eq!(device.person_list().expect("list").len(), 1);
    assert_eq!(
        state(&dir, clock.now()),
        UnlockState { failures: 0, attempts_left: 10, locked_until: None, wait_seconds: 0 }
    );
    assert!(!dir.join(UNLOCK_FILE).exists());
}

#[test]
fn the_fifth_wrong_passphrase_locks_out_even_the_right_one_until_the_clock_passes() {
    let (_tmp, dir) = locked_device();
    let mut clock = TestClock::new();
    for _ in 1..=4 {
        wrong(&dir, clock.now());
    }
    let fifth = wrong(&dir, clock.now());
    assert_eq!(fifth.code(), ErrorCode::WrongPassphrase);
    let warning = fifth.to_string();
    assert!(warning.contains("5 more wrong attempts will destroy this device's keys"), "{warning}");
    assert!(warning.contains("unlock again in 30 seconds"), "{warning}");

    let s = state(&dir, clock.now());
    assert_eq!((s.failures, s.attempts_left, s.wait_seconds), (5, 5, 30));
    assert_eq!(s.locked_until, Some(clock.now().checked_add(SignedDuration::from_secs(30)).expect("time")));

    // During the lockout the passphrase is not even tried, and nothing more is counted.
    clock.advance(29);
    let refused = Device::unlock(&dir, PASS, clock.now()).expect_err("locked out");
    assert_eq!(refused.code(), ErrorCode::LockedOut);
    let text = refused.to_string();
    assert!(text.contains("unlock again in 1 second;"), "{text}");
    assert!(text.contains("5 more wrong attempts"), "{text}");
    assert_eq!(wrong(&dir, clock.now()).code(), ErrorCode::LockedOut);
    assert_eq!(state(&dir, clock.now()).failures, 5);

    clock.advance(1);
    assert_eq!(state(&dir, clock.now()).locked_until, None);
    let mut device = Device::unlock(&dir, PASS, clock.now()).expect("the lockout is over");
    assert_eq!(device.person_list().expect("list").len(), 1);
    drop(device);
    // The right passphrase reset the count: the next wrong one is the first again.
    assert_eq!(state(&dir, clock.now()).failures, 0);
    assert_eq!(wrong(&dir, clock.now()).to_string(), "wrong passphrase");
}

#[test]
fn lockouts_grow_with_each_wrong_passphrase_and_warn_of_the_erasing() {
    let (_tmp, dir) = locked_device();
    let mut clock = TestClock::new();
    for _ in 1..=4 {
        wrong(&dir, clock.now());
    }
    let mut waits = Vec::new();
    for failures in 5..=9 {
        let e = wrong(&dir, clock.now());
        let left = 10 - failures;
        let attempts = if left == 1 { "attempt" } else { "attempts" };
        assert!(e.to_string().contains(&format!("{left} more wrong {attempts} will destroy")), "{e}");
        let s = state(&dir, clock.now());
        assert_eq!(s.attempts_left, left);
        waits.push(s.wait_seconds);
        clock.advance(s.wait_seconds as i64);
    }
    assert_eq!(waits, vec![30, 60, 120, 240, 480]);
    assert!(wrong(&dir, clock.now()).code() == ErrorCode::Wiped);
}

#[test]
fn the_tenth_wrong_passphrase_destroys_the_keys_and_the_data() {
    let (_tmp, dir) = locked_device();
    let mut clock = TestClock::new();
    let mut codes = Vec::new();
    for _ in 1..=10 {
        let e = wrong(&dir, clock.now());
        codes.push(e.code());
        if e.code() == ErrorCode::WrongPassphrase {
            let unlock_json = std::fs::read_to_string(dir.join(UNLOCK_FILE)).expect("the count is on disk");
            assert!(!unlock_json.contains(WRONG) && !unlock_json.contains(PASS), "{unlock_json}");
        }
        clock.advance(state(&dir, clock.now()).wait_seconds as i64);
    }
    assert_eq!(codes[..9], [ErrorCode::WrongPassphrase; 9]);
    assert_eq!(codes[9], ErrorCode::Wiped);

    // The salt is gone, so the right passphrase derives nothing; the database is gone too.
    assert!(!dir.join("key.json").exists());
    assert!(!dir.join("waymark.db").exists());
    assert!(!Device::exists(&dir), "the app starts over at its first screen");
    let left: Vec<_> = std::fs::read_dir(&dir).expect("dir").flatten().map(|e| e.file_name()).collect();
    assert!(left.is_empty(), "nothing of the store is left: {left:?}");
    assert_eq!(Device::open(&dir, PASS).expect_err("gone").code(), ErrorCode::NotInitialized);
    assert_eq!(Device::unlock(&dir, PASS, clock.now()).expect_err("gone").code(), ErrorCode::NotInitialized);
    assert_eq!(state(&dir, clock.now()).failures, 0, "a new store starts with a clean count");
}

#[test]
fn an_erasing_cut_short_by_a_crash_is_finished_at_the_next_unlock() {
    let (_tmp, dir) = locked_device();
    let now = TestClock::new().now();
    // The 10th failure was counted, then the process died before erasing.
    std::fs::write(dir.join(UNLOCK_FILE), r#"{"failures":10,"locked_until":null}"#).expect("write");
    assert_eq!(Device::unlock(&dir, PASS, now).expect_err("wiped").code(), ErrorCode::Wiped);
    assert!(!dir.join("key.json").exists() && !Device::exists(&dir));
}

#[test]
fn a_damaged_count_warns_instead_of_reading_as_no_failures() {
    let (_tmp, dir) = locked_device();
    let now = TestClock::new().now();
    std::fs::write(dir.join(UNLOCK_FILE), "{not json").expect("write");
    assert_eq!(state(&dir, now).failures, LOCKOUT_AFTER);
    Device::unlock(&dir, PASS, now).expect("the right passphrase still opens");
    assert_eq!(state(&dir, now).failures, 0);
}

#[test]
fn the_cli_open_counts_nothing() {
    let (_tmp, dir) = locked_device();
    for _ in 0..12 {
        assert_eq!(Device::open(&dir, WRONG).expect_err("wrong").code(), ErrorCode::WrongPassphrase);
    }
    assert!(!dir.join(UNLOCK_FILE).exists());
    Device::open(&dir, PASS).expect("still opens");
}
