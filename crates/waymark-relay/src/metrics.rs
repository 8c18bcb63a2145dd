//! Counters for `GET /metrics`, in Prometheus' text format, and the gauges computed
//! from the store at each scrape (relay-wide totals of teams and of devices by status).
//! Every label comes from a fixed set (a route name, a status class, an HTTP status, a
//! wire error code, a device status), so nothing personal, no id, token, team name or
//! per-team figure can reach a scrape.
//!
//! Memory is bounded by those sets: it never grows with devices, teams or documents.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::store::Census;

/// The content type of the text exposition format.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// The relay's counters since it started.
#[derive(Debug, Default)]
pub struct Metrics {
    /// Answers by route name and status class ("2xx", "4xx", …).
    requests: Mutex<BTreeMap<(&'static str, &'static str), u64>>,
    /// Error answers by HTTP status and wire error code.
    refusals: Mutex<BTreeMap<(u16, &'static str), u64>>,
    pushes: AtomicU64,
    pulls: AtomicU64,
    entries_pushed: AtomicU64,
    entries_pulled: AtomicU64,
    enrollments: AtomicU64,
    /// Connections closed because no complete request headers (or TLS handshake)
    /// arrived in time: slow clients, and idle keep-alive connections.
    header_timeouts: AtomicU64,
    /// TLS handshakes that failed (bad or untrusted client, wrong protocol).
    tls_failures: AtomicU64,
}

/// The route name a request is counted under: a fixed set, never a path with an id in
/// it. Only `/v1/keys` answers two methods (devices fetch, supervisors store).
pub fn route_name(method: &str, path: &str) -> &'static str {
    match path {
        "/v1/keys" if method.eq_ignore_ascii_case("POST") => "put_keys",
        "/v1/keys" => "keys",
        "/v1/health" => "health",
        "/v1/enroll" => "enroll",
        "/v1/invitations" => "invitations",
        "/v1/push" => "push",
        "/v1/pull" => "pull",
        "/v1/devices" => "devices",
        "/metrics" => "metrics",
        p if p.starts_with("/v1/devices/") && p.ends_with("/revoke") => "revoke",
        _ => "other",
    }
}

fn status_class(status: u16) -> &'static str {
    match status {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    }
}

fn bump<K: Ord>(map: &Mutex<BTreeMap<K, u64>>, key: K) {
    let mut map = map.lock().unwrap_or_else(|e| e.into_inner());
    *map.entry(key).or_insert(0) += 1;
}

impl Metrics {
    /// Counts one answer; `refusal` is the wire error code of an error answer.
    pub fn request(&self, route: &'static str, status: u16, refusal: Option<&'static str>) {
        bump(&self.requests, (route, status_class(status)));
        if let Some(code) = refusal {
            bump(&self.refusals, (status, code));
        }
    }

    /// One accepted push of `entries` entries.
    pub fn pushed(&self, entries: usize) {
        self.pushes.fetch_add(1, Ordering::Relaxed);
        self.entries_pushed.fetch_add(entries as u64, Ordering::Relaxed);
    }

    /// One pull page of `entries` entries.
    pub fn pulled(&self, entries: usize) {
        self.pulls.fetch_add(1, Ordering::Relaxed);
        self.entries_pulled.fetch_add(entries as u64, Ordering::Relaxed);
    }

    pub fn enrolled(&self) {
        self.enrollments.fetch_add(1, Ordering::Relaxed);
    }

    pub fn header_timeout(&self) {
        self.header_timeouts.fetch_add(1, Ordering::Relaxed);
    }

    pub fn tls_failure(&self) {
        self.tls_failures.fetch_add(1, Ordering::Relaxed);
    }

    /// Everything, in the text exposition format: the counters, then the gauges of
    /// `census` (read from the store for this scrape).
    pub fn render(&self, census: &Census) -> String {
        let mut out = String::new();
        let requests = self.requests.lock().unwrap_or_else(|e| e.into_inner()).clone();
        header(&mut out, "waymark_relay_requests_total", "HTTP requests answered, by route and status class.");
        for ((route, class), n) in requests {
            let _ = writeln!(out, "waymark_relay_requests_total{{route=\"{route}\",status=\"{class}\"}} {n}");
        }
        let refusals = self.refusals.lock().unwrap_or_else(|e| e.into_inner()).clone();
        header(&mut out, "waymark_relay_refusals_total", "Error answers, by HTTP status and error code.");
        for ((status, code), n) in refusals {
            let _ = writeln!(out, "waymark_relay_refusals_total{{status=\"{status}\",reason=\"{code}\"}} {n}");
        }
        let scalars: [(&str, &str, &AtomicU64); 7] = [
            ("waymark_relay_pushes_total", "Pushes accepted.", &self.pushes),
            ("waymark_relay_pulls_total", "Pull pages served.", &self.pulls),
            ("waymark_relay_entries_pushed_total", "Entries in accepted pushes.", &self.entries_pushed),
            ("waymark_relay_entries_pulled_total", "Entries in served pull pages.", &self.entries_pulled),
            ("waymark_relay_enrollments_total", "Devices enrolled.", &self.enrollments),
            (
                "waymark_relay_header_timeouts_total",
                "Connections closed without complete request headers or TLS handshake in time (slow or idle clients).",
                &self.header_timeouts,
            ),
            ("waymark_relay_tls_failures_total", "TLS handshakes that failed.", &self.tls_failures),
        ];
        for (name, help, value) in scalars {
            header(&mut out, name, help);
            let _ = writeln!(out, "{name} {}", value.load(Ordering::Relaxed));
        }
        gauge(&mut out, "waymark_relay_teams", "Teams on this relay.");
        let _ = writeln!(out, "waymark_relay_teams {}", census.teams);
        gauge(&mut out, "waymark_relay_devices", "Devices on this relay, by status.");
        for (status, n) in [
            ("pending", census.devices_pending),
            ("active", census.devices_active),
            ("revoked", census.devices_revoked),
        ] {
            let _ = writeln!(out, "waymark_relay_devices{{status=\"{status}\"}} {n}");
        }
        out
    }
}

fn header(out: &mut String, name: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} counter");
}

fn gauge(out: &mut String, name: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} gauge");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_with_ids_are_counted_by_name_only() {
        assert_eq!(route_name("POST", "/v1/devices/0b1d9c3e-aaaa-4bbb-8ccc-123456789abc/revoke"), "revoke");
        assert_eq!(route_name("GET", "/v1/pull"), "pull");
        assert_eq!(route_name("GET", "/v1/keys"), "keys");
        assert_eq!(route_name("POST", "/v1/keys"), "put_keys");
        assert_eq!(route_name("GET", "/v1/devices/x"), "other");
        assert_eq!(route_name("GET", "/anything/else?secret=1"), "other");
    }

    #[test]
    fn render_is_prometheus_text() {
        let m = Metrics::default();
        m.request("push", 200, None);
        m.request("push", 429, Some("rate_limited"));
        m.request("push", 429, Some("rate_limited"));
        m.pushed(3);
        let census = Census { teams: 2, devices_pending: 1, devices_active: 5, devices_revoked: 0 };
        let text = m.render(&census);
        assert!(text.contains("waymark_relay_requests_total{route=\"push\",status=\"2xx\"} 1\n"), "{text}");
        assert!(text.contains("waymark_relay_requests_total{route=\"push\",status=\"4xx\"} 2\n"), "{text}");
        assert!(text.contains("waymark_relay_refusals_total{status=\"429\",reason=\"rate_limited\"} 2\n"), "{text}");
        assert!(text.contains("waymark_relay_entries_pushed_total 3\n"), "{text}");
        assert!(text.contains("# TYPE waymark_relay_pulls_total counter\nwaymark_relay_pulls_total 0\n"), "{text}");
        assert!(text.contains("# TYPE waymark_relay_teams gauge\nwaymark_relay_teams 2\n"), "{text}");
        assert!(
            text.contains(
                "# TYPE waymark_relay_devices gauge\nwaymark_relay_devices{status=\"pending\"} 1\n\
                 waymark_relay_devices{status=\"active\"} 5\nwaymark_relay_devices{status=\"revoked\"} 0\n"
            ),
            "{text}"
        );
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let (_, value) = line.rsplit_once(' ').expect("name and value");
            assert!(value.parse::<u64>().is_ok(), "{line}");
        }
    }
}
