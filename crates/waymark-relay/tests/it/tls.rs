//! TLS: the real binary serving HTTPS with a self-signed certificate made for the test,
//! a device told to trust it syncing over it, `/metrics` after that sync, and the
//! startup refusals; in-process, a client that never finishes its handshake.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use waymark_device::{Device, ErrorCode, PersonInput};
use waymark_relay::Config;
use waymark_sync_proto::code::InviteCode;

use crate::cli::{Server, json_of, run};
use crate::common::{Relay, self_signed, self_signed_ca};

const PASSPHRASE: &str = "correct horse battery staple";
const TEAM: &str = "Harbor Diversion Team";
const PERSON: &str = "Marisol Quintanilla";
const LABEL: &str = "Dee phone";

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime")
}

/// The value of the sample `name` (the whole series text before the value).
fn sample(text: &str, name: &str) -> u64 {
    text.lines()
        .find_map(|l| l.strip_prefix(name).and_then(|rest| rest.strip_prefix(' ')))
        .unwrap_or_else(|| panic!("no {name} in\n{text}"))
        .parse()
        .unwrap_or_else(|_| panic!("{name} is not a count"))
}

#[test]
fn a_device_syncs_over_tls_with_the_certificate_it_was_told_to_trust() {
    let cert = self_signed();
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path().join("relay");
    let data = data.to_str().expect("utf-8");
    let server = Server::spawn(&[
        "serve",
        "--data",
        data,
        "--listen",
        "127.0.0.1:0",
        "--tls-cert",
        cert.cert.to_str().expect("utf-8"),
        "--tls-key",
        cert.key.to_str().expect("utf-8"),
        "--metrics",
    ]);
    let base = server.base.clone();
    assert!(base.starts_with("https://127.0.0.1:"), "{base}");
    let (code, stdout, stderr) = run(&["team", "create", "--data", data, "--name", TEAM, "--json"]);
    assert_eq!(code, 0, "{stderr}");
    let team = json_of(&stdout);
    let team_id = team["team_id"].as_str().expect("team_id").to_owned();
    let team_code = team["code"].as_str().expect("code").to_owned();
    let rt = runtime();

    // Not told to trust the certificate: refused at once, saying what to do.
    let refused = rt
        .block_on(Device::enroll(&dir.path().join("stranger"), PASSPHRASE, &base, &team_code, None))
        .map(|_| ())
        .expect_err("an untrusted certificate is refused");
    assert_eq!(refused.code(), ErrorCode::RelayUnreachable, "{refused}");
    let message = refused.to_string();
    assert!(message.contains("not trusted") && message.contains("--ca-cert"), "{message}");

    // Told to trust it: enrolls, and every later request (sync, invite) trusts it too.
    let (mut sup, view) = rt
        .block_on(Device::enroll(&dir.path().join("sup"), PASSPHRASE, &base, &team_code, Some(&cert.pem)))
        .expect("enrolls over TLS");
    sup.person_add(PersonInput { name: Some(PERSON.into()), ..PersonInput::default() }).expect("person");
    let synced = rt.block_on(sup.sync(|_| {})).expect("syncs over TLS");
    assert!(synced.pushed >= 3, "team settings, profile and card: {synced:?}");
    assert_eq!(synced.pending, 0);
    let (_, stdout, _) = run(&["audit", "--data", data, "--json"]);
    let audit = json_of(&stdout);
    let stored: u64 = audit
        .as_array()
        .expect("an array")
        .iter()
        .filter(|r| r["action"] == "push")
        .map(|r| r["entries"].as_u64().expect("entries"))
        .sum();
    // Record changes plus the supervisor's own audit entries.
    let pushed = (synced.pushed + synced.audit_pushed) as u64;
    assert_eq!(stored, pushed, "the relay has every entry");

    // A second device, invited over TLS and enrolled by hand to know its token.
    let invite = rt.block_on(sup.device_invite("outreach", LABEL)).expect("invites over TLS");
    let parsed: InviteCode = invite.code.parse().expect("code");
    let client = reqwest::Client::builder()
        .tls_certs_only([reqwest::Certificate::from_pem(cert.pem.as_bytes()).expect("PEM")])
        .build()
        .expect("client");
    let (token, device_id, text) = rt.block_on(async {
        let enrolled: Value = client
            .post(format!("{base}/v1/enroll"))
            .json(&json!({"v": 1, "invite": parsed.invite, "check": parsed.check}))
            .send()
            .await
            .expect("enroll")
            .json()
            .await
            .expect("JSON");
        let token = enrolled["token"].as_str().expect("token").to_owned();
        let pulled = client.get(format!("{base}/v1/pull?after=0")).bearer_auth(&token).send().await.expect("pull");
        assert_eq!(pulled.status(), StatusCode::OK);
        let metrics = client.get(format!("{base}/metrics")).send().await.expect("metrics");
        assert_eq!(metrics.status(), StatusCode::OK);
        let kind = metrics.headers()["content-type"].to_str().expect("ASCII").to_owned();
        assert!(kind.starts_with("text/plain; version=0.0.4"), "{kind}");
        (token, enrolled["device_id"].as_str().expect("device").to_owned(), metrics.text().await.expect("text"))
    });

    // The counters moved with the sync ...
    assert_eq!(sample(&text, "waymark_relay_enrollments_total"), 2, "{text}");
    assert!(sample(&text, "waymark_relay_pushes_total") >= 1, "{text}");
    assert_eq!(sample(&text, "waymark_relay_entries_pushed_total"), pushed, "{text}");
    assert!(sample(&text, "waymark_relay_pulls_total") >= 2, "{text}");
    assert!(sample(&text, "waymark_relay_entries_pulled_total") >= synced.pushed as u64, "{text}");
    assert!(sample(&text, "waymark_relay_requests_total{route=\"push\",status=\"2xx\"}") >= 1, "{text}");
    assert!(sample(&text, "waymark_relay_requests_total{route=\"enroll\",status=\"2xx\"}") == 2, "{text}");
    assert!(sample(&text, "waymark_relay_tls_failures_total") >= 1, "the untrusting device hung up: {text}");
    // The gauges, read from the store at the scrape: one team, its two enrolled devices.
    assert_eq!(sample(&text, "waymark_relay_teams"), 1, "{text}");
    assert_eq!(sample(&text, "waymark_relay_devices{status=\"active\"}"), 2, "{text}");
    assert_eq!(sample(&text, "waymark_relay_devices{status=\"pending\"}"), 0, "{text}");
    assert_eq!(sample(&text, "waymark_relay_devices{status=\"revoked\"}"), 0, "{text}");
    // ... and hold nothing personal, no id, token, code or name; every label of a gauge
    // comes from the fixed set.
    for line in text.lines().filter(|l| l.starts_with("waymark_relay_teams") || l.starts_with("waymark_relay_devices"))
    {
        let series = line.rsplit_once(' ').map_or(line, |(series, _)| series);
        assert!(
            [
                "waymark_relay_teams",
                "waymark_relay_devices{status=\"pending\"}",
                "waymark_relay_devices{status=\"active\"}",
                "waymark_relay_devices{status=\"revoked\"}",
            ]
            .contains(&series),
            "{line}"
        );
    }
    let sup_id = view.device_id.to_string();
    for secret in [PERSON, TEAM, LABEL, &team_id, &sup_id, &device_id, &token, &team_code, &invite.code, &parsed.invite]
    {
        assert!(!text.contains(secret), "{secret:?} in /metrics:\n{text}");
    }
    assert_eq!(server.terminate(), 0, "SIGTERM exits 0 over TLS too");

    // The device trusts only the certificate it was given, not whatever the address
    // serves: the same relay and port with another certificate is refused.
    let port = base.rsplit(':').next().expect("a port").to_owned();
    let other = self_signed();
    let listen = format!("127.0.0.1:{port}");
    let server = Server::spawn(&[
        "serve",
        "--data",
        data,
        "--listen",
        &listen,
        "--tls-cert",
        other.cert.to_str().expect("utf-8"),
        "--tls-key",
        other.key.to_str().expect("utf-8"),
    ]);
    assert_eq!(server.base, base);
    let refused = rt.block_on(sup.sync(|_| {})).map(|_| ()).expect_err("another certificate is refused");
    assert_eq!(refused.code(), ErrorCode::RelayUnreachable, "{refused}");
    assert!(refused.to_string().contains("enrolled to trust"), "{refused}");
    assert_eq!(server.terminate(), 0);
}

#[test]
fn plain_http_off_loopback_and_unusable_tls_files_are_refused_at_startup() {
    let cert = self_signed();
    let other = self_signed();
    let ca = self_signed_ca();
    let (ca_cert, ca_key) = (ca.cert.to_str().expect("utf-8"), ca.key.to_str().expect("utf-8"));
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path().join("relay");
    let data = data.to_str().expect("utf-8");
    let (cert_file, key_file) = (cert.cert.to_str().expect("utf-8"), cert.key.to_str().expect("utf-8"));
    let other_key = other.key.to_str().expect("utf-8");
    let missing = dir.path().join("missing.pem");
    let missing = missing.to_str().expect("utf-8");
    let serve = |extra: &[&str]| -> Vec<String> {
        let mut args = vec!["serve", "--data", data];
        args.extend_from_slice(extra);
        args.into_iter().map(str::to_owned).collect()
    };
    let cases: Vec<(Vec<String>, &str)> = vec![
        (serve(&["--listen", "0.0.0.0:0"]), "refusing to listen on 0.0.0.0:0 without TLS"),
        (serve(&["--listen", "[::]:0"]), "without TLS"),
        (serve(&["--listen", "127.0.0.1:0", "--tls-cert", cert_file]), "--tls-key"),
        (serve(&["--listen", "127.0.0.1:0", "--tls-key", key_file]), "--tls-cert"),
        (serve(&["--listen", "127.0.0.1:0", "--tls-cert", key_file, "--tls-key", key_file]), "no PEM certificate"),
        (serve(&["--listen", "127.0.0.1:0", "--tls-cert", cert_file, "--tls-key", cert_file]), "no PEM private key"),
        (serve(&["--listen", "127.0.0.1:0", "--tls-cert", cert_file, "--tls-key", other_key]), "cannot be used"),
        (serve(&["--listen", "127.0.0.1:0", "--tls-cert", missing, "--tls-key", key_file]), "cannot read"),
        (serve(&["--listen", "127.0.0.1:0", "--tls-cert", ca_cert, "--tls-key", ca_key]), "CA:FALSE"),
    ];
    for (args, want) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, stdout, stderr) = run(&args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stdout.is_empty(), "{args:?}: {stdout}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.starts_with("error: ") && stderr.contains(want), "{args:?}: {stderr}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_never_finishes_its_tls_handshake_is_dropped() {
    let cert = self_signed();
    let config = Config { header_timeout: Duration::from_millis(500), metrics: true, ..Config::default() };
    let relay = Relay::start_tls(config, &cert).await;
    let mut stream = tokio::net::TcpStream::connect(relay.addr()).await.expect("connect");
    // The first bytes of a TLS record, then nothing.
    stream.write_all(&[0x16, 0x03, 0x01]).await.expect("write");
    let start = Instant::now();
    let closed = tokio::time::timeout(Duration::from_secs(10), async {
        let mut buf = [0u8; 256];
        while let Ok(n) = stream.read(&mut buf).await {
            if n == 0 {
                break;
            }
        }
    })
    .await;
    assert!(closed.is_ok(), "the stalled handshake was never dropped");
    let took = start.elapsed();
    assert!(took >= Duration::from_millis(400) && took < Duration::from_secs(4), "dropped after {took:?}");
    let (status, body) = relay.get("/v1/health", None).await;
    assert_eq!(status, StatusCode::OK, "the relay serves on over TLS: {body}");
    let (status, text) = relay.get("/metrics", None).await;
    assert_eq!(status, StatusCode::OK);
    let text = text.as_str().expect("text");
    assert!(sample(text, "waymark_relay_header_timeouts_total") >= 1, "{text}");
    relay.stop().await;
}
