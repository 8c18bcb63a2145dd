//! Malformed input, size and rate limits, timeouts: each answered with an `ErrorBody`,
//! and the relay keeps serving.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use waymark_relay::Config;
use waymark_sync_proto::wire::MAX_BODY_BYTES;

use crate::common::{Relay, case, entry};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_and_wrongly_shaped_bodies_are_400() {
    let relay = Relay::start().await;
    let sup = relay.team().await;
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("/v1/push", b"{\"v\":1,".to_vec()),
        ("/v1/push", b"not json at all".to_vec()),
        ("/v1/push", vec![0xff, 0xfe, 0x00]),
        ("/v1/push", Vec::new()),
        ("/v1/push", br#"{"v":1,"entries":"many"}"#.to_vec()),
        ("/v1/push", br#"{"entries":[]}"#.to_vec()),
        ("/v1/push", br#"[1,2,3]"#.to_vec()),
        ("/v1/push", br#"{"v":2,"entries":[]}"#.to_vec()),
        (
            "/v1/push",
            br#"{"v":1,"entries":[{"doc":"d","audience":{"roles":[]},"hash":"h","ciphertext":"x"}]}"#.to_vec(),
        ),
        (
            "/v1/push",
            br#"{"v":1,"entries":[{"doc":"d!","audience":{"roles":["outreach"]},"hash":"h","ciphertext":"x"}]}"#
                .to_vec(),
        ),
        (
            "/v1/push",
            br#"{"v":1,"entries":[{"doc":"d","audience":{"roles":["janitor"]},"hash":"h","ciphertext":"x"}]}"#.to_vec(),
        ),
        ("/v1/invitations", br#"{"v":1,"role":"officer","label":"x","check_hash":"abc","sealed":"s"}"#.to_vec()),
        ("/v1/invitations", br#"{"v":1,"role":"officer","label":"","check_hash":"abc","sealed":"s"}"#.to_vec()),
        ("/v1/enroll", br#"{"v":1,"invite":"a b","check":"c"}"#.to_vec()),
        ("/v1/enroll", br#"{"v":1,"invite":7,"check":"c"}"#.to_vec()),
    ];
    for (path, body) in cases {
        let shown = String::from_utf8_lossy(&body).into_owned();
        let (status, answer) = relay.post_raw(path, Some(&sup.token), body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path} {shown}: {answer}");
        assert_eq!(answer["error"], "bad_request", "{shown}");
    }
    for query in ["after=x", "after=-1", "limit=0", "limit=abc", "after=99999999999999999999999"] {
        let (status, answer) = relay.get(&format!("/v1/pull?{query}"), Some(&sup.token)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {answer}");
    }
    let (status, _) = relay.get("/v1/pull?after=0&limit=5000&other=1", Some(&sup.token)).await;
    assert_eq!(status, StatusCode::OK, "a large limit is capped, unknown keys ignored");
    let (status, body) = relay.get("/v1/push", Some(&sup.token)).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::METHOD_NOT_ALLOWED, Some("bad_request")));
    // Nothing above stored anything, and the relay still serves.
    assert!(relay.pull(&sup, 0, 100).await.entries.is_empty());
    relay.push_ok(&sup, &[entry("d", &case(), 1)]).await;
    relay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_over_the_limit_is_413() {
    let relay = Relay::start().await;
    let sup = relay.team().await;
    let mut big = br#"{"v":1,"entries":[],"pad":""#.to_vec();
    big.resize(MAX_BODY_BYTES + 1000, b'a');
    big.extend_from_slice(b"\"}");
    let (status, body) = relay.post_raw("/v1/push", Some(&sup.token), big.clone()).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(body["error"], "too_large");
    let (status, body) = relay.post_raw("/v1/enroll", None, big).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::PAYLOAD_TOO_LARGE, Some("too_large")));

    // A chunked body (no Content-Length) over the limit too.
    let addr = relay.base.trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(&addr).await.expect("connect");
    let head = format!(
        "POST /v1/push HTTP/1.1\r\nhost: x\r\nauthorization: Bearer {}\r\ntransfer-encoding: chunked\r\n\r\n",
        sup.token
    );
    stream.write_all(head.as_bytes()).await.expect("head");
    let chunk = vec![b' '; 1 << 20];
    for _ in 0..5 {
        stream.write_all(format!("{:x}\r\n", chunk.len()).as_bytes()).await.expect("size");
        stream.write_all(&chunk).await.expect("chunk");
        stream.write_all(b"\r\n").await.expect("end");
    }
    stream.write_all(b"0\r\n\r\n").await.expect("last");
    let mut answer = vec![0u8; 512];
    let n =
        tokio::time::timeout(Duration::from_secs(10), stream.read(&mut answer)).await.expect("answered").expect("read");
    let text = String::from_utf8_lossy(&answer[..n]);
    assert!(text.starts_with("HTTP/1.1 413"), "{text}");

    // An entry just under the limit in a body under the limit is fine.
    let mut e = entry("big", &case(), 1);
    e.ciphertext = "A".repeat(waymark_sync_proto::wire::MAX_ENTRY_TEXT);
    relay.push_ok(&sup, &[e]).await;
    let page = relay.pull(&sup, 0, 10).await;
    assert_eq!(page.entries[0].ciphertext.len(), waymark_sync_proto::wire::MAX_ENTRY_TEXT);
    relay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_over_its_rate_gets_429_and_others_do_not() {
    let relay = Relay::start_with(Config { rate_per_second: 1.0, burst: 5.0, ..Config::default() }).await;
    let sup = relay.team().await;
    let busy = relay.member(&sup, "outreach").await;
    let calm = relay.member(&sup, "outreach").await;
    let mut limited = 0;
    for _ in 0..20 {
        let (status, body) = relay.get("/v1/pull?after=0", Some(&busy.token)).await;
        if status == StatusCode::TOO_MANY_REQUESTS {
            assert_eq!(body["error"], "rate_limited");
            limited += 1;
        } else {
            assert_eq!(status, StatusCode::OK);
        }
    }
    assert!(limited >= 10, "only {limited} of 20 were limited");
    assert_eq!(relay.get("/v1/pull?after=0", Some(&calm.token)).await.0, StatusCode::OK);
    // One audit record for the run of refusals, not one per request.
    let records = relay.audit_until(|r| r.iter().any(|e| e["action"] == "rate_limited")).await;
    assert_eq!(records.iter().filter(|e| e["action"] == "rate_limited").count(), 1);
    relay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_request_times_out_and_the_relay_serves_on() {
    let relay = Relay::start_with(Config { request_timeout: Duration::from_millis(500), ..Config::default() }).await;
    let addr = relay.base.trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(&addr).await.expect("connect");
    stream
        .write_all(b"POST /v1/enroll HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"v\":")
        .await
        .expect("write");
    let mut buf = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), async {
        let mut chunk = [0u8; 1024];
        loop {
            let n = stream.read(&mut chunk).await.unwrap_or(0);
            if n == 0 {
                break;
            }
            buf.extend_from_slice(&chunk[..n]);
            if buf.windows(4).any(|w| w == b"\r\n\r\n") && buf.ends_with(b"}") {
                break;
            }
        }
    })
    .await;
    assert!(read.is_ok(), "the relay answered in time");
    let text = String::from_utf8_lossy(&buf);
    assert!(text.starts_with("HTTP/1.1 503"), "{text}");
    assert!(text.contains("\"error\":\"timeout\""), "{text}");
    assert_eq!(relay.get("/v1/health", None).await.0, StatusCode::OK);
    relay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_from_one_client_does_not_stop_the_relay() {
    let relay = Relay::start().await;
    let sup = relay.team().await;
    let addr = relay.base.trim_start_matches("http://").to_owned();
    let junk: [&[u8]; 5] = [
        b"\x00\x01\x02\x03garbage\r\n\r\n",
        b"GET /v1/pull?after=0 HTTP/1.1\r\nhost: x\r\nauthorization: Bearer \xff\xfe\r\n\r\n",
        b"POST /v1/push HTTP/1.1\r\nhost: x\r\ncontent-length: -5\r\n\r\n",
        b"POST /v1/push HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n",
        b"GET /v1/%ff%fe/revoke HTTP/1.1\r\nhost: x\r\n\r\n",
    ];
    for bytes in junk {
        if let Ok(mut s) = tokio::net::TcpStream::connect(&addr).await {
            let _ = s.write_all(bytes).await;
            let mut sink = Vec::new();
            let _ = tokio::time::timeout(Duration::from_secs(2), s.read_to_end(&mut sink)).await;
        }
    }
    let (status, _) = relay.post(&format!("/v1/devices/{}/revoke", "%ff"), Some(&sup.token), &json!({})).await;
    assert!(status.is_client_error());
    relay.push_ok(&sup, &[entry("still", &case(), 1)]).await;
    assert_eq!(relay.pull(&sup, 0, 10).await.entries.len(), 1);
    relay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_trickles_its_headers_is_dropped() {
    let config = Config { header_timeout: Duration::from_millis(500), metrics: true, ..Config::default() };
    let relay = Relay::start_with(config).await;
    let (mut read, mut write) = tokio::net::TcpStream::connect(relay.addr()).await.expect("connect").into_split();
    // About five seconds' worth of headers, one byte every 50 ms.
    let trickle = tokio::spawn(async move {
        let head = format!("GET /v1/health HTTP/1.1\r\nhost: x\r\nx-slow: {}\r\n\r\n", "a".repeat(60));
        for byte in head.bytes() {
            if write.write_all(&[byte]).await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    });
    let start = Instant::now();
    let mut answer = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(10), read.read_to_end(&mut answer)).await;
    let took = start.elapsed();
    trickle.abort();
    assert!(closed.is_ok(), "the trickling client was never dropped");
    assert!(took < Duration::from_secs(3), "dropped only after {took:?}");
    let text = String::from_utf8_lossy(&answer);
    assert!(!text.starts_with("HTTP/1.1 200"), "a trickled request is not served: {text}");
    assert_eq!(relay.get("/v1/health", None).await.0, StatusCode::OK, "the relay serves on");
    let (status, metrics) = relay.get("/metrics", None).await;
    assert_eq!(status, StatusCode::OK);
    let metrics = metrics.as_str().expect("text");
    let dropped = metrics.lines().find_map(|l| l.strip_prefix("waymark_relay_header_timeouts_total "));
    assert!(dropped.and_then(|n| n.parse::<u64>().ok()).is_some_and(|n| n >= 1), "{metrics}");
    relay.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unauthenticated_requests_are_limited_per_address_and_devices_per_token() {
    let relay = Relay::start_with(Config { rate_per_second: 0.01, burst: 4.0, ..Config::default() }).await;
    // Two enrollments from this address (of its 4).
    let sup = relay.team().await;
    let dev = relay.member(&sup, "outreach").await;
    // The address runs out: enrollment attempts, then a bad token, get 429 ...
    let mut limited = 0;
    for _ in 0..6 {
        let (status, body) = relay.post("/v1/enroll", None, &json!({"v": 1, "invite": "nope", "check": "nope"})).await;
        if status == StatusCode::TOO_MANY_REQUESTS {
            assert_eq!(body["error"], "rate_limited");
            limited += 1;
        } else {
            assert!(status.is_client_error(), "{status} {body}");
        }
    }
    assert_eq!(limited, 4, "2 of the address's 4 were left");
    let (status, body) = relay.get("/v1/pull?after=0", Some("not-a-device-token")).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::TOO_MANY_REQUESTS, Some("rate_limited")));
    // ... while devices at that same address are limited each by its own token.
    assert_eq!(relay.get("/v1/pull?after=0", Some(&sup.token)).await.0, StatusCode::OK);
    let mut statuses = Vec::new();
    for _ in 0..6 {
        statuses.push(relay.get("/v1/pull?after=0", Some(&dev.token)).await.0);
    }
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::OK).count(), 4, "{statuses:?}");
    assert_eq!(statuses.last(), Some(&StatusCode::TOO_MANY_REQUESTS));
    assert_eq!(relay.get("/v1/pull?after=0", Some(&sup.token)).await.0, StatusCode::OK, "the other device is not");
    relay.stop().await;
}
