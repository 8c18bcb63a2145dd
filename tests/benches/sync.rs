//! Sync benchmark (prints a table; not a timed test). A real relay in its own process
//! on loopback, real encrypted device stores, and a counting TCP proxy between them so
//! the bytes are what crosses the wire (HTTP headers included).
//!
//! `cargo bench -p waymark-scenarios --bench sync`; `WAYMARK_BENCH_QUICK=1` for a
//! smaller smoke run.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use waymark_device::{Device, EncounterInput, PersonInput};
use waymark_relay::{AppState, Config, SqliteStore, admin, clock};
use waymark_sync_proto::code::InviteCode;
use waymark_sync_proto::wire::{
    Audience, EnrollRequest, EnrollResponse, PROTOCOL_VERSION, PushEntry, PushRequest, WireRole,
};

const PASS: &str = "bench passphrase";

#[derive(Default)]
struct Counters {
    up: AtomicU64,
    down: AtomicU64,
    requests: AtomicU64,
}

impl Counters {
    fn reset(&self) {
        self.up.store(0, Ordering::SeqCst);
        self.down.store(0, Ordering::SeqCst);
        self.requests.store(0, Ordering::SeqCst);
    }
    fn read(&self) -> (u64, u64, u64) {
        (self.up.load(Ordering::SeqCst), self.down.load(Ordering::SeqCst), self.requests.load(Ordering::SeqCst))
    }
}

/// Forwards loopback connections to `target`, counting bytes each way and requests.
async fn proxy(target: u16, counters: Arc<Counters>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("proxy bind");
    let port = listener.local_addr().expect("addr").port();
    tokio::spawn(async move {
        loop {
            let Ok((client, _)) = listener.accept().await else { return };
            let counters = counters.clone();
            tokio::spawn(async move {
                let Ok(server) = TcpStream::connect(("127.0.0.1", target)).await else { return };
                let (mut cr, mut cw) = client.into_split();
                let (mut sr, mut sw) = server.into_split();
                let c2 = counters.clone();
                let up = tokio::spawn(async move {
                    let mut buf = vec![0u8; 64 * 1024];
                    while let Ok(n) = cr.read(&mut buf).await {
                        if n == 0 {
                            break;
                        }
                        c2.up.fetch_add(n as u64, Ordering::SeqCst);
                        let text = &buf[..n];
                        let starts = text.windows(9).filter(|w| *w == b"HTTP/1.1\r").count();
                        c2.requests.fetch_add(starts as u64, Ordering::SeqCst);
                        if sw.write_all(text).await.is_err() {
                            break;
                        }
                    }
                    let _ = sw.shutdown().await;
                });
                let mut buf = vec![0u8; 64 * 1024];
                while let Ok(n) = sr.read(&mut buf).await {
                    if n == 0 {
                        break;
                    }
                    counters.down.fetch_add(n as u64, Ordering::SeqCst);
                    if cw.write_all(&buf[..n]).await.is_err() {
                        break;
                    }
                }
                let _ = up.await;
            });
        }
    });
    port
}

/// Runs the relay in this process (the child side of the benchmark).
fn serve_relay(dir: &Path) {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let store = Arc::new(SqliteStore::open(dir, 2).expect("relay store"));
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        println!("{}", listener.local_addr().expect("addr").port());
        std::io::stdout().flush().expect("flush");
        let config = Config { rate_per_second: 0.0, ..Config::default() };
        let stdin_closed = async {
            let _ = tokio::task::spawn_blocking(|| {
                let mut line = String::new();
                let _ = std::io::stdin().read_line(&mut line);
            })
            .await;
        };
        waymark_relay::serve(listener, AppState::new(store, config), stdin_closed).await.expect("serve");
    });
}

fn rss_kib(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with(field)).and_then(|l| l.split_whitespace().nth(1)?.parse().ok()))
        .unwrap_or(0)
}

fn kib(b: u64) -> String {
    if b < 10_000 { format!("{b} B") } else { format!("{:.1} KiB", b as f64 / 1024.0) }
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--serve-relay") {
        serve_relay(Path::new(&args[2]));
        return;
    }
    if args.iter().any(|a| a == "--list" || a == "--test") {
        // `cargo test --benches` probes the harness; there is nothing to list.
        return;
    }
    let quick = std::env::var_os("WAYMARK_BENCH_QUICK").is_some();
    let n: usize = if quick { 1_000 } else { 10_000 };
    let sim_devices: usize = if quick { 40 } else { 200 };
    let dir = tempfile::TempDir::new().expect("temp dir");
    let relay_dir = dir.path().join("relay");
    std::fs::create_dir_all(&relay_dir).expect("relay dir");

    let exe = std::env::current_exe().expect("own path");
    let mut child = Command::new(exe)
        .arg("--serve-relay")
        .arg(&relay_dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("relay process");
    let mut port_line = String::new();
    BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut port_line).expect("port");
    let relay_port: u16 = port_line.trim().parse().expect("port number");
    let relay_pid = child.id();

    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let counters = Arc::new(Counters::default());
    let proxy_port = rt.block_on(proxy(relay_port, counters.clone()));
    let url = format!("http://127.0.0.1:{proxy_port}");
    let admin_store = SqliteStore::open(&relay_dir, 1).expect("admin store");
    let code = admin::create_team(&admin_store, "Bench team", clock::now()).expect("team").code;

    let mut rows: Vec<(String, String, String)> = Vec::new();
    rt.block_on(async {
        let (mut sup, _) = Device::enroll(&dir.path().join("sup"), PASS, &url, &code, None).await.expect("supervisor");
        let mut enroll = async |label: &str| {
            let invite = sup.device_invite("outreach", label).await.expect("invite");
            Device::enroll(&dir.path().join(label), PASS, &url, &invite.code, None).await.expect("enroll").0
        };
        let mut a = enroll("a").await;
        let mut b = enroll("b").await;
        sync_quiet(&mut a).await;
        sync_quiet(&mut b).await;

        // A logs n contacts (with services and a place), some with a person.
        let person =
            a.person_add(PersonInput { name: Some("Bench Person".into()), ..Default::default() }).expect("person");
        let start = Instant::now();
        for i in 0..n {
            a.encounter_log(EncounterInput {
                person: (i % 3 == 0).then(|| person.id.to_string()),
                lat: Some(47.6 + (i % 100) as f64 * 0.0001),
                lon: Some(-122.3),
                services: vec!["naloxone=1".into(), "water".into()],
                ..Default::default()
            })
            .expect("contact");
        }
        let logged = start.elapsed();
        let json_size = serde_json::to_vec(&a.encounter_list(None).expect("list")).expect("json").len() as u64;
        counters.reset();
        let start = Instant::now();
        let pushed = a.sync(|_| {}).await.expect("push");
        let push_time = start.elapsed();
        let (up, _, reqs) = counters.read();
        rows.push((format!("A logs {n} contacts (device API)"), ms(logged), String::new()));
        rows.push((
            format!("A pushes {} changes", pushed.pushed),
            ms(push_time),
            format!("{} up, {reqs} requests", kib(up)),
        ));

        // A fresh device pulls everything.
        counters.reset();
        let start = Instant::now();
        let pulled = b.sync(|_| {}).await.expect("pull");
        let fresh = start.elapsed();
        let (up, down, reqs) = counters.read();
        rows.push((
            format!("fresh device pulls {} changes ({n} contacts)", pulled.pulled),
            ms(fresh),
            format!(
                "{} down, {} up, {reqs} requests; records' JSON {}: ratio {:.2} (target <= 1.5, <= 3 s)",
                kib(down),
                kib(up),
                kib(json_size),
                down as f64 / json_size as f64
            ),
        ));

        // One new record on top.
        a.encounter_log(EncounterInput { services: vec!["food".into()], ..Default::default() }).expect("one");
        counters.reset();
        let start = Instant::now();
        a.sync(|_| {}).await.expect("push one");
        let t_push = start.elapsed();
        let (up, down, reqs) = counters.read();
        rows.push(("push one new contact".into(), ms(t_push), format!("{} total, {reqs} requests", kib(up + down))));
        counters.reset();
        let start = Instant::now();
        let got = b.sync(|_| {}).await.expect("pull one");
        let t_pull = start.elapsed();
        let (up, down, reqs) = counters.read();
        rows.push((
            format!("pull one new contact on top of {n} ({} pulled)", got.pulled),
            ms(t_pull),
            format!("{} total, {reqs} requests (target <= 2 KB, <= 50 ms)", kib(up + down)),
        ));

        // Idle reconnect.
        counters.reset();
        let start = Instant::now();
        b.sync(|_| {}).await.expect("idle");
        let t_idle = start.elapsed();
        let (up, down, reqs) = counters.read();
        rows.push((
            "idle sync".into(),
            ms(t_idle),
            format!("{} total, {reqs} round trips (target <= 500 B)", kib(up + down)),
        ));

        // Relay memory with many devices.
        let rss_before = rss_kib(relay_pid, "VmRSS:");
        let client = reqwest::Client::new();
        let mut tokens = Vec::new();
        for i in 0..sim_devices {
            let invite = sup.device_invite("outreach", &format!("sim{i}")).await.expect("invite");
            let code: InviteCode = invite.code.parse().expect("code");
            let answer: EnrollResponse = client
                .post(format!("{url}/v1/enroll"))
                .json(&EnrollRequest { v: PROTOCOL_VERSION, invite: code.invite, check: code.check, public_key: None })
                .send()
                .await
                .expect("enroll")
                .json()
                .await
                .expect("answer");
            tokens.push(answer.token);
        }
        let filler = "A".repeat(520);
        for (i, token) in tokens.iter().enumerate() {
            let entries = (0..50)
                .map(|j| PushEntry {
                    doc: format!("sim{i}x{j}"),
                    audience: Audience { roles: vec![WireRole::Outreach, WireRole::Supervisor], devices: vec![] },
                    hash: format!("h{i}x{j}"),
                    ciphertext: filler.clone(),
                })
                .collect();
            client
                .post(format!("{url}/v1/push"))
                .bearer_auth(token)
                .json(&PushRequest { v: PROTOCOL_VERSION, entries })
                .send()
                .await
                .expect("push")
                .error_for_status()
                .expect("accepted");
        }
        for token in &tokens {
            let mut after = 0u64;
            loop {
                let page: waymark_sync_proto::wire::PullResponse = client
                    .get(format!("{url}/v1/pull?after={after}&limit=1000"))
                    .bearer_auth(token)
                    .send()
                    .await
                    .expect("pull")
                    .json()
                    .await
                    .expect("page");
                after = page.next_after;
                if !page.more {
                    break;
                }
            }
        }
        rows.push((
            format!("relay memory, {sim_devices} devices x 50 records pushed and pulled"),
            String::new(),
            format!(
                "RSS {:.1} MiB (peak {:.1} MiB; {:.1} MiB before) (target <= 50 MB)",
                rss_kib(relay_pid, "VmRSS:") as f64 / 1024.0,
                rss_kib(relay_pid, "VmHWM:") as f64 / 1024.0,
                rss_before as f64 / 1024.0
            ),
        ));
    });

    println!("# Waymark sync benchmark\n");
    println!(
        "cores: {}; quick: {quick}; relay in its own process on loopback; bytes counted on the wire\n",
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0)
    );
    println!("| what | time | bytes and notes |");
    println!("|---|---:|---|");
    for (what, time, notes) in rows {
        println!("| {what} | {time} | {notes} |");
    }
    drop(child.stdin.take());
    let _ = child.wait();
}

async fn sync_quiet(d: &mut Device) {
    d.sync(|_| {}).await.expect("sync");
}
