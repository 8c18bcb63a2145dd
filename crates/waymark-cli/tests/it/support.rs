//! Runs the real `waymark` binary against a fresh data directory per test.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::Value;
use tempfile::TempDir;

pub const PASSPHRASE: &str = "correct horse battery staple";

/// A well-formed id that no device ever made.
pub const UNKNOWN_ID: &str = "00000000-0000-4000-8000-000000000000";

/// What one run of the binary did.
#[derive(Debug)]
pub struct Run {
    pub args: Vec<String>,
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// A device: a temp directory holding its data directory (`data/`) and any input files.
#[derive(Debug)]
pub struct Device {
    dir: TempDir,
}

impl Device {
    /// A directory with no device store in it yet.
    pub fn blank() -> Self {
        Self { dir: TempDir::new().expect("create a temp dir") }
    }

    /// A device initialised with `role` and the extra `init` flags.
    pub fn init(role: &str, extra: &[&str]) -> Self {
        let device = Self::blank();
        let mut args = vec!["init", "--role", role];
        args.extend_from_slice(extra);
        let out = device.ok(&args);
        assert_eq!(out["role"], role, "init answers with the role: {out}");
        device
    }

    pub fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// Writes `text` to a file beside the data directory and returns its path.
    pub fn file(&self, name: &str, text: &str) -> String {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).expect("write an input file");
        path.to_str().expect("temp paths are UTF-8").to_owned()
    }

    /// Runs `waymark --data DIR ARGS... --json` with the test passphrase.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with(args, Some(PASSPHRASE))
    }

    /// Runs with another passphrase, or none.
    pub fn run_with(&self, args: &[&str], passphrase: Option<&str>) -> Run {
        let data = self.data();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_waymark"));
        cmd.arg("--data").arg(&data).args(args).arg("--json");
        cmd.env_remove("WAYMARK_DATA").env("RUST_BACKTRACE", "1").stdin(Stdio::null());
        match passphrase {
            Some(p) => cmd.env("WAYMARK_PASSPHRASE", p),
            None => cmd.env_remove("WAYMARK_PASSPHRASE"),
        };
        let out = cmd.output().expect("run the waymark binary");
        Run {
            args: args.iter().map(|a| (*a).to_owned()).collect(),
            code: out.status.code(),
            stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
        }
    }

    /// Runs with stdout a pipe whose reader is already gone (`waymark … | head` after
    /// `head` exited).
    pub fn run_with_closed_stdout(&self, args: &[&str]) -> Run {
        let (reader, writer) = std::io::pipe().expect("make a pipe");
        drop(reader);
        let out = Command::new(env!("CARGO_BIN_EXE_waymark"))
            .arg("--data")
            .arg(self.data())
            .args(args)
            .arg("--json")
            .env_remove("WAYMARK_DATA")
            .env("WAYMARK_PASSPHRASE", PASSPHRASE)
            .env("RUST_BACKTRACE", "1")
            .stdin(Stdio::null())
            .stdout(writer)
            .stderr(Stdio::piped())
            .output()
            .expect("run the waymark binary");
        Run {
            args: args.iter().map(|a| (*a).to_owned()).collect(),
            code: out.status.code(),
            stdout: String::new(),
            stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
        }
    }

    /// Runs a command that must succeed and print exactly one JSON document.
    pub fn ok(&self, args: &[&str]) -> Value {
        self.run(args).json()
    }

    /// Runs a command that must fail with `code`; returns its one error line.
    pub fn fails(&self, args: &[&str], code: i32) -> String {
        self.run(args).error(code)
    }
}

impl Run {
    /// Exit 0, stdout exactly one JSON document, nothing on stderr.
    pub fn json(&self) -> Value {
        assert_eq!(self.code, Some(0), "`{}` failed: {}", self.args.join(" "), self.stderr);
        assert!(self.stderr.is_empty(), "`{}` wrote to stderr: {}", self.args.join(" "), self.stderr);
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!("`{}`: stdout is not one JSON document ({e}): {}", self.args.join(" "), self.stdout)
        })
    }

    /// The contract's failure: exit `code`, exactly one `error: ` line on stderr,
    /// nothing on stdout, no panic.
    pub fn error(&self, code: i32) -> String {
        let cmd = self.args.join(" ");
        assert!(
            !self.stderr.contains("panicked") && !self.stdout.contains("panicked"),
            "`{cmd}` panicked: {}",
            self.stderr
        );
        assert_eq!(self.code, Some(code), "`{cmd}`: exit code (stderr: {}, stdout: {})", self.stderr, self.stdout);
        let lines: Vec<&str> = self.stderr.lines().collect();
        assert_eq!(lines.len(), 1, "`{cmd}`: stderr must be exactly one line: {:?}", self.stderr);
        assert!(lines[0].starts_with("error: "), "`{cmd}`: stderr must start with `error: `: {:?}", lines[0]);
        assert!(lines[0].len() > "error: ".len() + 5, "`{cmd}`: the error says what is wrong: {:?}", lines[0]);
        assert!(self.stdout.trim().is_empty(), "`{cmd}`: nothing on stdout on failure: {:?}", self.stdout);
        lines[0].to_owned()
    }
}

/// A string field of a JSON object.
pub fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or_else(|| panic!("{key} is a string in {v}"))
}

/// An array of JSON values.
pub fn arr<'a>(v: &'a Value, what: &str) -> &'a Vec<Value> {
    v.as_array().unwrap_or_else(|| panic!("{what} is a JSON array: {v}"))
}

/// Asserts that `v` is an object holding every key in `keys`.
pub fn assert_keys(v: &Value, keys: &[&str]) {
    let obj = v.as_object().unwrap_or_else(|| panic!("a JSON object: {v}"));
    for key in keys {
        assert!(obj.contains_key(*key), "missing {key:?} in {v}");
    }
}

/// Asserts `text` is a hyphenated UUID, as every record id is.
pub fn assert_uuid(text: &str) {
    let groups: Vec<&str> = text.split('-').collect();
    let lens: Vec<usize> = groups.iter().map(|g| g.len()).collect();
    assert_eq!(lens, [8, 4, 4, 4, 12], "not a UUID: {text:?}");
    assert!(text.chars().all(|c| c == '-' || c.is_ascii_hexdigit()), "not a UUID: {text:?}");
}

/// Seconds since the epoch now.
pub fn now_seconds() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).expect("clock after 1970").as_secs_f64()
}

/// Parses an RFC 3339 timestamp (`2026-11-23T12:30:25.613Z`, `...-08:00`) strictly
/// into seconds since the epoch; panics with the text when it is not one.
pub fn rfc3339_seconds(text: &str) -> f64 {
    let bad = || -> ! { panic!("not an RFC 3339 timestamp: {text:?}") };
    let b = text.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't') || b[13] != b':' || b[16] != b':' {
        bad();
    }
    let num = |r: std::ops::Range<usize>| -> i64 {
        let part = text.get(r).unwrap_or_else(|| bad());
        if !part.bytes().all(|c| c.is_ascii_digit()) {
            bad();
        }
        part.parse().unwrap_or_else(|_| bad())
    };
    let (y, mo, d, h, mi, sec) = (num(0..4), num(5..7), num(8..10), num(11..13), num(14..16), num(17..19));
    if !(1..=12).contains(&mo) || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || sec > 60 {
        bad();
    }
    let mut rest = &text[19..];
    let mut frac = 0.0;
    if let Some(r) = rest.strip_prefix('.') {
        let digits = r.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            bad();
        }
        frac = format!("0.{}", &r[..digits]).parse().unwrap_or_else(|_| bad());
        rest = &r[digits..];
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ => {
            let ob = rest.as_bytes();
            if ob.len() != 6 || !matches!(ob[0], b'+' | b'-') || ob[3] != b':' {
                bad();
            }
            let oh: i64 = rest[1..3].parse().unwrap_or_else(|_| bad());
            let om: i64 = rest[4..6].parse().unwrap_or_else(|_| bad());
            let sign = if ob[0] == b'-' { -1 } else { 1 };
            sign * (oh * 3600 + om * 60)
        }
    };
    let days = days_from_civil(y, mo, d);
    (days * 86_400 + h * 3600 + mi * 60 + sec - offset) as f64 + frac
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to the civil date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Every file under `dir`, recursively.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).expect("read a data directory") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                todo.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out
}

/// A GeoJSON feature collection with one 1°×1° square around (47.5, -122.5).
pub const CATCHMENT: &str = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"downtown"},
  "geometry":{"type":"Polygon","coordinates":[[[-123.0,47.0],[-122.0,47.0],[-122.0,48.0],[-123.0,48.0],[-123.0,47.0]]]}}]}"#;

#[test]
fn rfc3339_parser_agrees_with_known_instants() {
    assert_eq!(rfc3339_seconds("1970-01-01T00:00:00Z"), 0.0);
    assert_eq!(rfc3339_seconds("2024-03-10T10:30:00-08:00"), 1_710_095_400.0);
    assert_eq!(rfc3339_seconds("2024-03-10T18:30:00.5Z"), 1_710_095_400.5);
    for bad in ["2024-02-30T00:00:00Z", "2024-03-10 18:30:00Z", "2024-03-10T18:30:00", "yesterday"] {
        assert!(std::panic::catch_unwind(|| rfc3339_seconds(bad)).is_err(), "{bad} is refused");
    }
}
