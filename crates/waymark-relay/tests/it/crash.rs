//! The real `waymark-relay` binary killed with SIGKILL at random moments while devices
//! push and pull, and restarted on the same data directory and port, at least 50 times:
//! afterwards the devices converge, nothing is lost and nothing is duplicated, neither
//! on the devices nor in the relay's log.
//!
//! The seed of the kill moments is printed; replay a run with `WAYMARK_RELAY_SEED`.
//! `WAYMARK_RELAY_KILLS` sets the number of kills (default 50).

use std::collections::BTreeSet;
use std::fs::OpenOptions;
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rusqlite::{Connection, OpenFlags, params};
use serde_json::Value;
use waymark_device::{Device, DeviceError, EncounterInput, PersonInput, SyncProgress, SyncView};
use waymark_relay::store::sqlite::DB_FILE;
use waymark_sync_proto::seal::Keyring;

const BIN: &str = env!("CARGO_BIN_EXE_waymark-relay");
const PASSPHRASE: &str = "relay crash test passphrase";

/// A small deterministic generator; the seed is printed so a run can be replayed.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number in `0..n` (`n` > 0).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn env_number(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok())
}

/// A loopback port nothing listens on right now.
fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("local address").port()
}

/// The relay as a child process: `serve` on a fixed port over one data directory, its
/// stderr appended to a log file across restarts.
struct RelayProcess {
    data: PathBuf,
    port: u16,
    log: PathBuf,
    child: Option<Child>,
    starts: usize,
}

impl RelayProcess {
    fn new(data: &Path, port: u16, log: &Path) -> Self {
        Self { data: data.to_path_buf(), port, log: log.to_path_buf(), child: None, starts: 0 }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Starts `serve` and waits for its listening line. The port can be briefly
    /// unavailable (e.g. a device's connection attempt took it as its own source port
    /// while nothing listened), so a failed start is retried.
    fn start(&mut self) {
        assert!(self.child.is_none(), "the relay is already running");
        let listen = format!("127.0.0.1:{}", self.port);
        let want = format!("listening on http://{listen}");
        for _ in 0..100 {
            let stderr = OpenOptions::new().create(true).append(true).open(&self.log).expect("relay log");
            let mut child = Command::new(BIN)
                .args(["serve", "--data", self.data.to_str().expect("utf-8 path"), "--listen", &listen])
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(stderr)
                .spawn()
                .expect("spawn waymark-relay serve");
            let mut line = String::new();
            let stdout = child.stdout.take().expect("stdout");
            let _ = BufReader::new(stdout).read_line(&mut line);
            if line.trim_end() == want {
                self.child = Some(child);
                self.starts += 1;
                return;
            }
            let _ = child.kill();
            let _ = child.wait();
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("the relay did not start on {listen}; its log:\n{}", self.log_text());
    }

    /// SIGKILL (kill -9), then reaps the process.
    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().expect("SIGKILL the relay");
            child.wait().expect("reap the relay");
        }
    }

    /// SIGTERM, then the exit code.
    fn terminate(&mut self) -> i32 {
        let mut child = self.child.take().expect("the relay is running");
        let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().expect("kill -TERM");
        assert!(status.success());
        let start = Instant::now();
        loop {
            if let Some(status) = child.try_wait().expect("wait") {
                return status.code().unwrap_or(-1);
            }
            if start.elapsed() > Duration::from_secs(20) {
                let _ = child.kill();
                let _ = child.wait();
                panic!("the relay did not stop on SIGTERM");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for RelayProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Where a device's sync was when the relay died.
const IDLE: u8 = 0;
const PUSHING: u8 = 1;
const PULLING: u8 = 2;
const DONE: u8 = 3;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime")
}

/// What one sync did: its result, how long it took, and how long its pushes took.
struct SyncRun {
    result: Result<SyncView, DeviceError>,
    took: Duration,
    pushes_took: Option<Duration>,
}

/// One sync on the calling thread, publishing its phase: pushing until every pending
/// change is acknowledged, then pulling.
fn sync_once(device: &mut Device, phase: &AtomicU8) -> SyncRun {
    let rt = runtime();
    let pending = device.store().pending_changes().expect("pending changes");
    let start = Instant::now();
    let mut pushes_took = None;
    if pending > 0 {
        phase.store(PUSHING, Ordering::SeqCst);
    } else {
        phase.store(PULLING, Ordering::SeqCst);
        pushes_took = Some(Duration::ZERO);
    }
    let mut pushed = 0i64;
    let result = rt.block_on(device.sync(|p| {
        if let SyncProgress::Pushed(n) = p {
            pushed += i64::try_from(n).unwrap_or(i64::MAX);
            if pushed >= pending && pushes_took.is_none() {
                phase.store(PULLING, Ordering::SeqCst);
                pushes_took = Some(start.elapsed());
            }
        }
    }));
    phase.store(DONE, Ordering::SeqCst);
    SyncRun { result, took: start.elapsed(), pushes_took }
}

/// Moves a kill window toward what was seen (times a margin), or widens it a little
/// when nothing could be seen because the kill came first.
fn adapt(window: &mut Duration, seen: Option<Duration>) {
    *window = match seen {
        Some(seen) => (*window + seen.mul_f64(1.3)) / 2,
        None => window.mul_f64(1.05),
    }
    .clamp(Duration::from_millis(5), Duration::from_secs(3));
}

#[derive(Debug, Default)]
struct Tally {
    kills: usize,
    mid_push: usize,
    mid_pull: usize,
    after_sync: usize,
    late_restarts: usize,
    syncs_ok: usize,
    syncs_unreachable: usize,
    unexpected: Vec<String>,
}

#[test]
fn relay_killed_mid_push_and_mid_pull_loses_and_duplicates_nothing() {
    let seed = env_number("WAYMARK_RELAY_SEED")
        .unwrap_or_else(|| SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(1))
        | 1;
    let kills = usize::try_from(env_number("WAYMARK_RELAY_KILLS").unwrap_or(50)).unwrap_or(50).max(1);
    println!("relay crash test: seed {seed} (replay with WAYMARK_RELAY_SEED={seed}), {kills} kills");
    let mut rng = XorShift(seed);
    let began = Instant::now();

    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("relay");
    let out = Command::new(BIN)
        .args(["team", "create", "--data", data.to_str().expect("utf-8"), "--name", "Crash team", "--json"])
        .output()
        .expect("run team create");
    assert!(out.status.success(), "team create: {}", String::from_utf8_lossy(&out.stderr));
    let team: Value = serde_json::from_slice(&out.stdout).expect("team create prints JSON");
    let team_id = team["team_id"].as_str().expect("team_id").to_owned();
    let team_code = team["code"].as_str().expect("code").to_owned();

    let mut relay = RelayProcess::new(&data, free_port(), &dir.path().join("relay.log"));
    relay.start();
    let url = relay.url();

    // A supervisor enrolled with the team's code; two outreach devices it invites.
    let rt = runtime();
    let (mut sup, _) =
        rt.block_on(Device::enroll(&dir.path().join("sup"), PASSPHRASE, &url, &team_code, None)).expect("supervisor");
    let mut devices = vec![];
    for name in ["outreach-a", "outreach-b"] {
        let invite = rt.block_on(sup.device_invite("outreach", name)).expect("invite");
        let (device, _) =
            rt.block_on(Device::enroll(&dir.path().join(name), PASSPHRASE, &url, &invite.code, None)).expect("enroll");
        devices.push(device);
    }
    devices.insert(0, sup);
    let names = ["supervisor", "outreach-a", "outreach-b"];

    let mut persons: BTreeSet<String> = BTreeSet::new();
    let mut encounters: BTreeSet<String> = BTreeSet::new();
    let mut own_persons: Vec<Vec<String>> = vec![Vec::new(); devices.len()];
    let phases: Vec<AtomicU8> = devices.iter().map(|_| AtomicU8::new(IDLE)).collect();
    let mut tally = Tally::default();
    // How long after the syncs start the kill may come, aimed at the pushes in half the
    // rounds and at the whole sync in the others; both windows follow how long pushes
    // and syncs take here, so that kills land in both on a fast or a slow machine.
    let mut push_window = Duration::from_millis(100);
    let mut sync_window = Duration::from_millis(300);

    for round in 0..kills {
        // Offline work on the outreach devices: persons, and contacts with them or
        // anonymous.
        for (i, device) in devices.iter_mut().enumerate().skip(1) {
            for k in 0..20 + rng.below(31) {
                let own = &mut own_persons[i];
                // Few persons: adding one compares it with the whole roster.
                if own.is_empty() || rng.below(12) == 0 {
                    let name = format!("Crash {round} {} {k} {}", names[i], rng.below(1_000_000));
                    let added = device
                        .person_add(PersonInput { name: Some(name), ..PersonInput::default() })
                        .expect("person add");
                    let id = added.id.to_string();
                    own.push(id.clone());
                    persons.insert(id);
                } else {
                    let person = match rng.below(4) {
                        0 => None,
                        _ => own.get(rng.below(own.len() as u64) as usize).cloned(),
                    };
                    let logged = device
                        .encounter_log(EncounterInput {
                            person,
                            note: Some(format!("round {round} contact {k}")),
                            ..EncounterInput::default()
                        })
                        .expect("encounter log");
                    encounters.insert(logged.id);
                }
            }
        }

        let window = if rng.below(2) == 0 { push_window } else { sync_window };
        let window_us = u64::try_from(window.as_micros()).unwrap_or(u64::MAX);
        let delay = Duration::from_micros(rng.below(window_us.saturating_add(1)));
        // In a third of the rounds the relay stays down until every sync has given up
        // (what was cut off stays to do on the device); in the others it comes back
        // within the devices' retries (a push whose answer was lost is sent again).
        let late = rng.below(3) == 0;
        let gap = Duration::from_millis(rng.below(150));
        for phase in &phases {
            phase.store(IDLE, Ordering::SeqCst);
        }
        let (outcomes, at_kill) = std::thread::scope(|s| {
            let handles: Vec<_> =
                devices.iter_mut().zip(&phases).map(|(d, phase)| s.spawn(move || sync_once(d, phase))).collect();
            std::thread::sleep(delay);
            let at_kill: Vec<u8> = phases.iter().map(|p| p.load(Ordering::SeqCst)).collect();
            relay.kill();
            if !late {
                std::thread::sleep(gap);
                relay.start();
            }
            let outcomes: Vec<_> = handles.into_iter().map(|h| h.join().expect("sync thread")).collect();
            (outcomes, at_kill)
        });
        if late {
            relay.start();
            tally.late_restarts += 1;
        }
        tally.kills += 1;
        let pushing = at_kill.contains(&PUSHING);
        let pulling = at_kill.contains(&PULLING);
        tally.mid_push += usize::from(pushing);
        tally.mid_pull += usize::from(pulling);
        let all_done = at_kill.iter().all(|p| *p == DONE);
        tally.after_sync += usize::from(all_done);
        adapt(&mut sync_window, all_done.then(|| outcomes.iter().map(|r| r.took).max()).flatten());
        let pushes_done = at_kill.iter().all(|p| *p >= PULLING);
        let pushes_took = outcomes.iter().map(|r| r.pushes_took).collect::<Option<Vec<_>>>();
        adapt(&mut push_window, pushes_done.then(|| pushes_took.and_then(|t| t.into_iter().max())).flatten());
        for (i, run) in outcomes.into_iter().enumerate() {
            match run.result {
                Ok(_) => tally.syncs_ok += 1,
                Err(DeviceError::RelayUnreachable(_)) => tally.syncs_unreachable += 1,
                Err(e) => tally.unexpected.push(format!("round {round}, {}: {e}", names[i])),
            }
        }
    }
    println!("relay crash test: {tally:?}, kill windows: pushes {push_window:?}, syncs {sync_window:?}");
    assert!(tally.unexpected.is_empty(), "sync failed other than by an unreachable relay: {:#?}", tally.unexpected);
    assert!(tally.kills >= kills);
    if kills >= 20 {
        assert!(
            tally.mid_push >= kills / 10 && tally.mid_pull >= kills / 10,
            "kills should land both while pushing and while pulling: {tally:?}"
        );
    }

    // The relay runs again (restarted after the last kill): sync until nothing moves.
    let mut quiet = 0;
    let mut views: Vec<SyncView> = Vec::new();
    for _ in 0..12 {
        views.clear();
        let mut moved = 0;
        for (i, device) in devices.iter_mut().enumerate() {
            let view = rt.block_on(device.sync(|_| {})).unwrap_or_else(|e| panic!("{} syncs: {e}", names[i]));
            moved += view.pushed + view.pulled;
            views.push(view);
        }
        quiet = if moved == 0 { quiet + 1 } else { 0 };
        if quiet == 2 {
            break;
        }
    }
    assert_eq!(quiet, 2, "the devices did not converge: {views:?}");
    for (i, view) in views.iter().enumerate() {
        assert_eq!(view.pending, 0, "{} still has changes to push", names[i]);
        assert_eq!((view.purged, view.unreadable), (0, 0), "{}: {view:?}", names[i]);
    }

    // Every device holds exactly what was made, once.
    for (i, device) in devices.iter_mut().enumerate() {
        let listed: Vec<String> = device.encounter_list(None).expect("contacts").into_iter().map(|e| e.id).collect();
        let set: BTreeSet<String> = listed.iter().cloned().collect();
        assert_eq!(set.len(), listed.len(), "{} lists a contact twice", names[i]);
        assert_eq!(set.difference(&encounters).count(), 0, "{} has contacts nobody made", names[i]);
        let lost: Vec<&String> = encounters.difference(&set).collect();
        assert!(
            lost.is_empty(),
            "{} lacks {} of {} contacts, e.g. {:?}",
            names[i],
            lost.len(),
            encounters.len(),
            &lost[..lost.len().min(5)]
        );
        let listed: Vec<String> =
            device.person_list().expect("persons").into_iter().map(|p| p.id.to_string()).collect();
        let set: BTreeSet<String> = listed.iter().cloned().collect();
        assert_eq!(set.len(), listed.len(), "{} lists a person twice", names[i]);
        assert!(
            set == persons,
            "{} holds {} persons, {} were made; {} are missing",
            names[i],
            set.len(),
            persons.len(),
            persons.difference(&set).count()
        );
    }

    // Every change of every document, as the relay names it (the supervisor holds every
    // document and every key).
    let sup = &mut devices[0];
    let keys_text = sup.store().query().local("sync.keys").expect("query").expect("keys");
    let ring: Keyring = serde_json::from_str(&keys_text).expect("keys");
    let keys = ring.current();
    let mut expected: BTreeSet<(String, String)> = BTreeSet::new();
    for id in sup.store().doc_ids().expect("doc ids") {
        let text = id.to_string();
        let doc = sup.store().doc(id).expect("load").expect("exists");
        for change in doc.get_changes(&[]) {
            expected.insert((keys.opaque_doc(&text), keys.opaque_hash(&text, &change.hash().0)));
        }
    }
    // Each device's own audit entries (sealed to supervisors) go to the log under its
    // audit document; every other entry is a record change.
    let audit_docs: BTreeSet<String> =
        devices.iter().map(|d| keys.opaque_doc(&format!("audit:{}", d.device_id()))).collect();
    drop(rt);

    assert_eq!(relay.terminate(), 0, "the relay stops cleanly on SIGTERM after the chaos");
    let log = relay.log_text();
    assert!(!log.contains("panicked"), "the relay panicked:\n{log}");

    // The relay's log: each change once, sequence numbers 1..=latest without a gap or a
    // repeat, and exactly the changes the devices hold.
    let db = Connection::open_with_flags(data.join(DB_FILE), OpenFlags::SQLITE_OPEN_READ_ONLY).expect("open relay db");
    let repeated: Vec<(String, String, String, i64)> = db
        .prepare(
            "SELECT team_id, doc, hash, COUNT(*) FROM log WHERE src_seq IS NULL
             GROUP BY team_id, doc, hash HAVING COUNT(*) > 1",
        )
        .expect("prepare")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .expect("query")
        .collect::<rusqlite::Result<_>>()
        .expect("rows");
    assert!(repeated.is_empty(), "the relay logged a change more than once: {repeated:?}");
    let latest: i64 =
        db.query_row("SELECT seq FROM teams WHERE id = ?1", params![team_id], |r| r.get(0)).expect("team seq");
    let seqs: Vec<i64> = db
        .prepare("SELECT seq FROM log WHERE team_id = ?1 ORDER BY seq")
        .expect("prepare")
        .query_map(params![team_id], |r| r.get(0))
        .expect("query")
        .collect::<rusqlite::Result<_>>()
        .expect("rows");
    assert!(seqs.iter().copied().eq(1..=latest), "sequence numbers are not 1..={latest} once each");
    let logged: Vec<(String, String)> = db
        .prepare("SELECT doc, hash FROM log WHERE team_id = ?1 AND src_seq IS NULL ORDER BY seq")
        .expect("prepare")
        .query_map(params![team_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("query")
        .collect::<rusqlite::Result<_>>()
        .expect("rows");
    let logged_set: BTreeSet<(String, String)> = logged.iter().cloned().collect();
    assert_eq!(logged_set.len(), logged.len(), "a change is in the relay's log twice");
    let records: BTreeSet<(String, String)> =
        logged_set.iter().filter(|(doc, _)| !audit_docs.contains(doc)).cloned().collect();
    assert_eq!(records.len(), expected.len(), "the relay's log and the devices' changes differ in number");
    assert!(records == expected, "the relay's log holds other changes than the devices");

    // What the relay saw of the interrupted work (for the summary): pushes that repeated
    // entries it had already stored (a push whose answer a kill cut off) and pull pages
    // served twice (a page the device could not apply before the kill).
    let (repushes, repushed): (i64, i64) = db
        .query_row(
            "SELECT COUNT(*), COALESCE(SUM(json_extract(details, '$.entries') - json_extract(details, '$.stored')), 0)
             FROM audit WHERE action = 'push' AND json_extract(details, '$.stored') < json_extract(details, '$.entries')",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("audit of pushes");
    let repulls: i64 = db
        .query_row(
            "SELECT COALESCE(SUM(n - 1), 0) FROM (
                 SELECT COUNT(*) AS n FROM audit WHERE action = 'pull'
                 GROUP BY device_id, json_extract(details, '$.after') HAVING n > 1)",
            [],
            |r| r.get(0),
        )
        .expect("audit of pulls");
    let limited: i64 = db
        .query_row("SELECT COUNT(*) FROM audit WHERE action = 'rate_limited'", [], |r| r.get(0))
        .expect("audit of rate limits");

    println!(
        "relay crash test: {repushes} pushes repeated {repushed} stored entries, {repulls} pull pages served again, \
         {limited} rate-limited runs"
    );
    println!(
        "relay crash test: {} kills ({} mid-push, {} mid-pull, {} restarts), {} persons, {} contacts, {} log entries, {:.1} s",
        tally.kills,
        tally.mid_push,
        tally.mid_pull,
        relay.starts,
        persons.len(),
        encounters.len(),
        logged.len(),
        began.elapsed().as_secs_f64()
    );
}
