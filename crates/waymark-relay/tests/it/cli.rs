//! The real `waymark-relay` binary: the admin verbs, `serve`, and both at once.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_waymark-relay");

pub(crate) fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(BIN).args(args).output().expect("run waymark-relay");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

pub(crate) fn json_of(stdout: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("one JSON document expected ({e}): {stdout}"))
}

/// A `serve` child process and its base URL.
pub(crate) struct Server {
    child: Child,
    pub(crate) base: String,
}

impl Server {
    fn start(dir: &str) -> Self {
        let server = Self::spawn(&["serve", "--data", dir, "--listen", "127.0.0.1:0"]);
        assert!(server.base.starts_with("http://127.0.0.1:"), "{}", server.base);
        server
    }

    /// Runs `waymark-relay ARGS…` and reads its listening line.
    pub(crate) fn spawn(args: &[&str]) -> Self {
        let mut child =
            Command::new(BIN).args(args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn serve");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).expect("first line");
        let base =
            line.trim().strip_prefix("listening on ").unwrap_or_else(|| panic!("listening line: {line:?}")).to_owned();
        assert!(!base.ends_with(":0"), "the real port is shown");
        Self { child, base }
    }

    /// SIGTERM, then the exit code.
    pub(crate) fn terminate(mut self) -> i32 {
        let pid = self.child.id().to_string();
        let status = Command::new("kill").args(["-TERM", &pid]).status().expect("kill");
        assert!(status.success());
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status.code().unwrap_or(-1);
            }
            if start.elapsed() > Duration::from_secs(20) {
                let _ = self.child.kill();
                panic!("serve did not stop on SIGTERM");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // A failing test must not leave its relay running.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime").block_on(f)
}

async fn call(method: &str, url: String, token: Option<&str>, body: Option<Value>) -> (u16, Value) {
    let client = reqwest::Client::new();
    let mut req = if method == "GET" { client.get(url) } else { client.post(url) };
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.expect("send");
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

#[test]
fn team_create_prints_the_team_and_a_one_time_code() {
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path().join("relay");
    let data = data.to_str().expect("utf-8");
    let (code, stdout, stderr) = run(&["team", "create", "--data", data, "--name", "North precinct", "--json"]);
    assert_eq!(code, 0, "{stderr}");
    let v = json_of(&stdout);
    let team_id = v["team_id"].as_str().expect("team_id");
    assert_eq!(team_id.len(), 36);
    let invite_code = v["code"].as_str().expect("code");
    assert_eq!(invite_code.split('.').count(), 2, "INVITE.CHECK");
    assert!(invite_code.parse::<waymark_sync_proto::code::InviteCode>().is_ok());
    assert!(stderr.is_empty());
}

#[test]
fn bad_usage_exits_2_and_failures_exit_1_with_one_line() {
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path().to_str().expect("utf-8");
    for args in [
        vec!["team", "create", "--data", data, "--json"],
        vec!["frobnicate"],
        vec!["serve", "--data", data, "--listen", "0.0.0.0:0"],
        vec!["serve", "--data", data, "--listen", "nonsense"],
        vec!["team", "create", "--data", data, "--name", "  ", "--json"],
    ] {
        let (code, stdout, stderr) = run(&args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stdout.is_empty());
        assert_eq!(stderr.trim_end().lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.starts_with("error: "), "{stderr}");
    }
    let missing = dir.path().join("nothing-here");
    for args in [
        vec!["audit", "--data", missing.to_str().expect("utf-8"), "--json"],
        vec!["device", "revoke", "--data", data, "--device", "nope", "--json"],
    ] {
        let (code, stdout, stderr) = run(&args);
        assert_eq!(code, 1, "{args:?}: {stderr}");
        assert!(stdout.is_empty());
        assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
        assert!(stderr.starts_with("error: "), "{stderr}");
    }
    // Now the directory has a database (from team create above? no: it failed) — make one.
    run(&["team", "create", "--data", data, "--name", "x", "--json"]);
    let (code, _, stderr) =
        run(&["device", "revoke", "--data", data, "--device", "00000000-0000-4000-8000-000000000000", "--json"]);
    assert_eq!(code, 1);
    assert!(stderr.starts_with("error: ") && stderr.contains("no device"), "{stderr}");
}

#[test]
fn serve_runs_with_the_admin_verbs_beside_it_and_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path().join("relay");
    let data = data.to_str().expect("utf-8");
    let server = Server::start(data);
    let base = server.base.clone();

    // A team made while serve runs; its supervisor enrolls and pushes.
    let (code, stdout, stderr) = run(&["team", "create", "--data", data, "--name", "South", "--json"]);
    assert_eq!(code, 0, "{stderr}");
    let team = json_of(&stdout);
    let parsed: waymark_sync_proto::code::InviteCode = team["code"].as_str().expect("code").parse().expect("code");
    let (token, device_id) = block_on(async {
        assert_eq!(call("GET", format!("{base}/v1/health"), None, None).await.0, 200);
        let (status, enrolled) = call(
            "POST",
            format!("{base}/v1/enroll"),
            None,
            Some(json!({"v": 1, "invite": parsed.invite, "check": parsed.check})),
        )
        .await;
        assert_eq!(status, 200, "{enrolled}");
        let token = enrolled["token"].as_str().expect("token").to_owned();
        let push = json!({"v": 1, "entries": [
            {"doc": "d1", "audience": {"roles": ["supervisor"]}, "hash": "h1", "ciphertext": "Y2lwaGVy"}
        ]});
        let (status, body) = call("POST", format!("{base}/v1/push"), Some(&token), Some(push)).await;
        assert_eq!(status, 200, "{body}");
        (token, enrolled["device_id"].as_str().expect("device").to_owned())
    });

    // Revoked by the operator while serve runs: the next request says so.
    let (code, stdout, stderr) = run(&["device", "revoke", "--data", data, "--device", &device_id, "--json"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(json_of(&stdout), json!({"device_id": device_id, "revoked": true}));
    block_on(async {
        let (status, body) = call("GET", format!("{base}/v1/pull?after=0"), Some(&token), None).await;
        assert_eq!((status, body["error"].as_str()), (401, Some("device_revoked")));
    });

    // The audit while serve runs: what the relay saw, without content.
    let mut seen = Vec::new();
    for _ in 0..100 {
        let (code, stdout, stderr) = run(&["audit", "--data", data, "--json"]);
        assert_eq!(code, 0, "{stderr}");
        let records = json_of(&stdout);
        seen = records.as_array().expect("an array").clone();
        if seen.iter().any(|r| r["action"] == "refused") {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    for r in &seen {
        assert!(r["at"].as_str().is_some_and(|t| t.parse::<jiff::Timestamp>().is_ok()), "{r}");
        assert!(r["device_id"].is_string() && r["action"].is_string(), "{r}");
    }
    let actions: Vec<&str> = seen.iter().filter_map(|r| r["action"].as_str()).collect();
    for want in ["team_create", "enroll", "push", "revoke", "refused"] {
        assert!(actions.contains(&want), "{want} in {actions:?}");
    }
    let refused = seen.iter().find(|r| r["action"] == "refused").expect("refused");
    assert_eq!(refused["status"], 401);
    assert_eq!(refused["device_id"], device_id.as_str());
    assert!(!seen.iter().any(|r| r.to_string().contains("Y2lwaGVy")), "no ciphertext in the audit");

    assert_eq!(server.terminate(), 0, "SIGTERM exits 0");

    // Everything acknowledged is on disk: a new serve still has it.
    let server = Server::start(data);
    let base = server.base.clone();
    let (code, stdout, _) = run(&["team", "create", "--data", data, "--name", "Again", "--json"]);
    assert_eq!(code, 0);
    let again: waymark_sync_proto::code::InviteCode =
        json_of(&stdout)["code"].as_str().expect("code").parse().expect("code");
    block_on(async {
        let (status, enrolled) = call(
            "POST",
            format!("{base}/v1/enroll"),
            None,
            Some(json!({"v": 1, "invite": again.invite, "check": again.check})),
        )
        .await;
        assert_eq!(status, 200);
        let (status, body) = call(
            "POST",
            format!("{base}/v1/push"),
            enrolled["token"].as_str(),
            Some(json!({"v": 1, "entries": [
                {"doc": "d1", "audience": {"roles": ["supervisor"]}, "hash": "h1", "ciphertext": "Y2lwaGVy"}
            ]})),
        )
        .await;
        assert_eq!((status, body["accepted"][0]["seq"].as_u64()), (200, Some(1)), "a new team starts at 1");
    });
    let (_, stdout, _) = run(&["audit", "--data", data, "--json"]);
    let pushes = json_of(&stdout).as_array().expect("array").iter().filter(|r| r["action"] == "push").count();
    assert_eq!(pushes, 2, "the first server's push survived its shutdown");
    assert_eq!(server.terminate(), 0);
}
